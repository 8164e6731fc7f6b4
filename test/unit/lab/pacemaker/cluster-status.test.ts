// The lab's pacemaker.log readers, on lines copied from a real run of the lab.
import { describe, expect, it } from "vitest";
import { parseAttrdWrites, parseLogTime } from "../../../lab/pacemaker/cluster-status.js";

const NOW = new Date(Date.UTC(2026, 10, 21, 12));
const LOG = [
  "Nov 21 11:11:50.881 vm pacemaker-attrd     [31445] (update_attr_on_host) \tnotice: Setting evacuate[compute-1]: (unset) -> yes | from vm with no write delay",
  "Nov 21 11:11:50.900 vm pacemaker-attrd     [31445] (update_attr_on_host) \tnotice: Setting evacuate[compute-2]: (unset) -> yes | from vm with no write delay",
  "Nov 21 11:11:52.329 vm pacemaker-attrd     [31445] (update_attr_on_host) \tnotice: Setting evacuate[compute-1]: yes -> vm@1795259512 | from vm with no write delay",
  "Nov 21 11:11:52.360 vm pacemaker-attrd     [31445] (attrd_peer_remove) \tnotice: Removing all compute-1 attributes for peer vm",
  "Nov 21 11:11:55.109 vm pacemaker-attrd     [31445] (update_attr_on_host) \tnotice: Setting evacuate[compute-1]: (unset) -> no | from vm with no write delay",
  "Nov 21 11:11:56.000 vm pacemaker-attrd     [31445] (update_attr_on_host) \tnotice: Setting evacuate[compute-1]: no -> (unset) | from vm with no write delay",
  "Nov 21 11:11:57.000 vm pacemaker-attrd     [31445] (update_attr_on_host) \tnotice: Setting evacuate-other[compute-1]: (unset) -> x | from vm",
].join("\n");

describe("parseAttrdWrites", () => {
  it("lists every value set for the attribute on the node, in order, with the value before and the time", () => {
    expect(parseAttrdWrites(LOG, "evacuate", "compute-1", NOW)).toEqual([
      { at: Date.UTC(2026, 10, 21, 11, 11, 50, 881), from: undefined, to: "yes" },
      { at: Date.UTC(2026, 10, 21, 11, 11, 52, 329), from: "yes", to: "vm@1795259512" },
      { at: Date.UTC(2026, 10, 21, 11, 11, 55, 109), from: undefined, to: "no" },
      { at: Date.UTC(2026, 10, 21, 11, 11, 56, 0), from: "no", to: "" },
    ]);
  });

  it("reads Pacemaker 3.0's lines, which name the attribute set (copied from the trixie lab)", () => {
    const log = "Dec 07 06:39:24.603 vm pacemaker-attrd     [3665] (update_attr_on_host) \tnotice: Setting evacuate[compute-1] in instance_attributes: yes -> vm@1796625564 | from vm with no write delay";
    expect(parseAttrdWrites(log, "evacuate", "compute-1", NOW)).toEqual([{ at: Date.UTC(2026, 11, 7, 6, 39, 24, 603), from: "yes", to: "vm@1796625564" }]);
  });

  it("keeps other nodes and other attributes apart", () => {
    expect(parseAttrdWrites(LOG, "evacuate", "compute-2", NOW).map((w) => w.to)).toEqual(["yes"]);
    expect(parseAttrdWrites(LOG, "evacuate-other", "compute-1", NOW).map((w) => w.to)).toEqual(["x"]);
    expect(parseAttrdWrites(LOG, "evacuate", "compute-3", NOW)).toEqual([]);
  });
});

describe("parseLogTime", () => {
  it("reads a syslog-style stamp with milliseconds as UTC in the current year", () => {
    expect(parseLogTime("Nov 21 11:11:50.881 vm pacemaker-attrd", NOW)).toBe(Date.UTC(2026, 10, 21, 11, 11, 50, 881));
    expect(parseLogTime("Jan  2 03:04:05 vm x", NOW)).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(parseLogTime("not a stamp", NOW)).toBeUndefined();
  });
});
