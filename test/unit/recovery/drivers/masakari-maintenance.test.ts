import { describe, expect, it } from "vitest";
import { recoveredThroughMasakari } from "../../../../src/recovery/drivers/driver-choice.js";
import { leaveMaintenance } from "../../../../src/recovery/drivers/masakari-maintenance.js";
import { memoryLogger } from "../../openstack/fake-server.js";
import { fakeMasakari } from "../../openstack/masakari/fake-masakari.js";
import { useDriverBench } from "./driver-bench.js";

const bench = useDriverBench();
const QUICK = { attempts: 3, delayMs: 10 };

describe("leaveMaintenance", () => {
  it("takes a host Masakari left on maintenance off it, and only that host", async () => {
    const m = fakeMasakari();
    m.hosts[1]!.on_maintenance = true;
    m.hosts[2]!.on_maintenance = true;
    await bench.start(m.handler);
    const log = memoryLogger();
    expect(await leaveMaintenance(bench.masakariApi(), "compute-2", log.logger, QUICK)).toBe("cleared");
    expect(m.hosts.map((h) => h.on_maintenance)).toEqual([false, false, true]);
    expect(await leaveMaintenance(bench.masakariApi(), "compute-2", log.logger, QUICK)).toBe("was-clear");
  });

  it("asks again while Masakari refuses host changes (409), then gives up with a warning, never throwing", async () => {
    const m = fakeMasakari({ hostUpdateStatus: 409 });
    m.hosts[1]!.on_maintenance = true;
    const fake = await bench.start(m.handler);
    const log = memoryLogger();
    expect(await leaveMaintenance(bench.masakariApi(), "compute-2", log.logger, QUICK)).toBe("failed");
    expect(fake.calls("masakari").filter((c) => c.method === "PUT")).toHaveLength(3);
    expect(log.text()).toMatch(/could not take the host off maintenance/);
  });

  it("names a host that is in no segment", async () => {
    await bench.start(fakeMasakari().handler);
    const log = memoryLogger();
    expect(await leaveMaintenance(bench.masakariApi(), "compute-9", log.logger, QUICK)).toBe("not-in-segment");
    expect(log.text()).toMatch(/in no failover segment/);
  });

  it.each([
    ["nova-ha:evacuated at=2026-12-07T03:00:00.000Z recovered=2 failed=0 skipped=0 driver=masakari ref=n-1 outcome=done", true],
    ["nova-ha:evacuated at=2026-12-07T03:00:00.000Z recovered=2 failed=0 skipped=0 driver=mistral ref=e outcome=done", false],
    ["nova-ha:evacuated at=2026-12-07T03:00:00.000Z recovered=2 failed=0 skipped=0", false],
    ["nova-ha:evacuating at=2026-12-07T03:00:00.000Z driver=masakari", false],
    [null, false],
  ])("reads whether a recovery went through Masakari from the marker %s", (reason, expected) => {
    expect(recoveredThroughMasakari(reason)).toBe(expected);
  });
});
