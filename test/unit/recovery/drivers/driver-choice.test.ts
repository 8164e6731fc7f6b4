// Which driver a host's recovery goes through: the one it started with, whatever recovery_driver says now.
import { describe, expect, it } from "vitest";
import { driverOfHost, switchFields } from "../../../../src/recovery/drivers/driver-choice.js";

const AT = "at=2026-12-07T03:00:05.000Z since=2026-12-07T03:00:00.000Z by=ctl-1";

describe("driverOfHost", () => {
  it.each([
    ["a fenced host starts with recovery_driver", `nova-ha:fenced ${AT}`, false, { driver: "nova" }],
    ["a hand-over to Masakari stays there, with its notification", `nova-ha:evacuating ${AT} driver=masakari ref=n-1`, true, { driver: "masakari", ref: "n-1" }],
    ["a hand-over to Mistral without an id yet stays there", `nova-ha:evacuating ${AT} driver=mistral state=pending`, true, { driver: "mistral" }],
    ["our engine's recovery stays with our engine", `nova-ha:evacuating ${AT} select=all`, true, { driver: "nova" }],
    ["Masakari's own reason over a host being recovered is Masakari's", "Masakari detected host failed.", true, { driver: "masakari" }],
    ["Masakari's own reason on a host nobody picked up is not a hand-over", "Masakari detected host failed.", false, { driver: "nova" }],
    ["a finished recovery does not bind the next failure", `nova-ha:evacuated ${AT} driver=masakari ref=n-1 outcome=done`, false, { driver: "nova" }],
  ])("%s", (_title, reason, pickedUp, expected) => {
    expect(driverOfHost(reason, "nova", pickedUp)).toEqual(expected);
  });

  it("names recovery_driver in the marker only while a recovery goes through another driver", () => {
    expect(switchFields("masakari", "nova")).toEqual({ configured: "nova" });
    expect(switchFields("masakari", "masakari")).toEqual({});
    expect(switchFields("mistral", undefined)).toEqual({});
  });
});
