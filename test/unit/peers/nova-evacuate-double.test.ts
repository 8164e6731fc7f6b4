// The shell NovaEvacuate double (test/peers/NovaEvacuate) against the fake attrd_updater and a recording fence_evacuate.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { FAKE_BIN, useFakeAttrd } from "../../fakes/fake-attrd.js";

const DOUBLE = resolve(import.meta.dirname, "../../peers/NovaEvacuate");
const attrd = useFakeAttrd();
const scratch = mkdtempSync(join(tmpdir(), "peer-evacuate-"));
const fenceLog = join(scratch, "fence.log");
const fenceBin = join(scratch, "bin");
execFileSync("mkdir", ["-p", fenceBin]);
// fence_evacuate stand-in: logs "<action> <host>", exits with $FENCE_<ACTION>_RC (0 by default).
writeFileSync(join(fenceBin, "fence_evacuate"), [
  "#!/bin/sh",
  'action="" host=""',
  'while [ $# -gt 0 ]; do case "$1" in -o) action=$2; shift ;; -n) host=$2; shift ;; esac; shift; done',
  `echo "$action $host" >> ${fenceLog}`,
  'case "$action" in status) exit ${FENCE_STATUS_RC:-0} ;; off) exit ${FENCE_OFF_RC:-0} ;; esac',
  "",
].join("\n"));
chmodSync(join(fenceBin, "fence_evacuate"), 0o755);

afterAll(() => {
  attrd.remove();
  rmSync(scratch, { recursive: true, force: true });
});

beforeEach(() => {
  attrd.reset();
  rmSync(fenceLog, { force: true });
  writeFileSync(join(scratch, "peer.active"), "");
});

/** Runs one action of the double as Pacemaker would, with the given extra environment. */
function run(action: string, env: Record<string, string> = {}): { status: number | null; stderr: string } {
  const result = spawnSync(DOUBLE, [action], {
    encoding: "utf8",
    env: {
      PATH: `${fenceBin}${delimiter}${FAKE_BIN}${delimiter}/usr/sbin:/usr/bin:/sbin:/bin`,
      FAKE_ATTRD_DIR: process.env.FAKE_ATTRD_DIR ?? "",
      HA_RSCTMP: scratch, OCF_RESOURCE_INSTANCE: "peer",
      OCF_RESKEY_auth_url: "http://keystone/v3", OCF_RESKEY_username: "admin", OCF_RESKEY_password: "secret", OCF_RESKEY_tenant_name: "admin",
      OCF_RESKEY_fixed_attrd_query: "true",
      ...env,
    },
  });
  return { status: result.status, stderr: result.stderr };
}

const fenceCalls = (): string[] => {
  try {
    return readFileSync(fenceLog, "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
};
const writes = (): string[] => attrd.calls().filter((call) => call.includes("-U"));

describe("the shell NovaEvacuate double", () => {
  it("evacuates a host flagged yes: status, <node>@<epoch>, off, then no", () => {
    attrd.set("compute-1", "yes");
    expect(run("monitor").status).toBe(0);
    expect(fenceCalls()).toEqual(["status compute-1", "off compute-1"]);
    expect(writes()).toEqual([
      expect.stringMatching(new RegExp(`^-p -n evacuate -Q -N compute-1 -U ${hostname()}@\\d+$`)),
      "-p -n evacuate -Q -N compute-1 -U no",
    ]);
    expect(attrd.value("compute-1")).toBe("no");
  });

  it("skips no, empty and unknown values, defers a recent in-progress value and takes over an old one", () => {
    const now = Math.floor(Date.now() / 1000);
    attrd.set("a-no", "no");
    attrd.set("b-empty", "");
    attrd.set("c-unknown", "true");
    attrd.set("d-recent", `ctl@${now - 5}`);
    attrd.set("e-old", `ctl@${now - 120}`);
    run("monitor");
    expect(fenceCalls()).toEqual(["status e-old", "off e-old"]);
    expect(attrd.value("c-unknown")).toBe("true");
    expect(attrd.value("d-recent")).toBe(`ctl@${now - 5}`);
  });

  it("writes yes back when fence_evacuate off fails, and leaves a host Nova does not know untouched", () => {
    attrd.set("compute-1", "yes");
    run("monitor", { FENCE_OFF_RC: "1" });
    expect(attrd.value("compute-1")).toBe("yes");
    expect(writes().at(-1)).toBe("-p -n evacuate -Q -N compute-1 -U yes");
    attrd.reset();
    attrd.set("compute-1", "yes");
    rmSync(fenceLog, { force: true });
    run("monitor", { FENCE_STATUS_RC: "1" });
    expect(fenceCalls()).toEqual(["status compute-1"]);
    expect(writes()).toEqual([]);
  });

  it("on Pacemaker 2.1.5 (OCF_RESKEY_CRM_meta_on_node set) never sees a compute host's flag, unless fixed_attrd_query", () => {
    attrd.set("compute-1", "yes");
    run("monitor", { OCF_RESKEY_CRM_meta_on_node: "controller-0", OCF_RESKEY_fixed_attrd_query: "false" });
    expect(fenceCalls()).toEqual([]);
    expect(attrd.value("compute-1")).toBe("yes");
    run("monitor", { OCF_RESKEY_CRM_meta_on_node: "controller-0", OCF_RESKEY_fixed_attrd_query: "true" });
    expect(fenceCalls()).toEqual(["status compute-1", "off compute-1"]);
  });

  it("answers 7 when not started, 6 without credentials, and prints meta-data with a DOCTYPE", () => {
    rmSync(join(scratch, "peer.active"));
    expect(run("monitor").status).toBe(7);
    expect(run("monitor", { OCF_RESKEY_auth_url: "" })).toMatchObject({ status: 6, stderr: expect.stringMatching(/ocf-exit-reason:auth_url not configured/) });
    const meta = spawnSync(DOUBLE, ["meta-data"], { encoding: "utf8" });
    expect(meta.stdout).toMatch(/<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">/);
  });
});
