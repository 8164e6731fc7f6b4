import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readOcfEnvironment, withManualRunNode } from "../../../../src/kit/ocf/environment.js";

/** A directory with a fake crm_node that prints `output` (and records that it ran). */
function fakeCrmNode(output: string, exitCode = 0): { path: string; calls: string } {
  const dir = mkdtempSync(join(tmpdir(), "crm-node-"));
  const calls = join(dir, "calls");
  writeFileSync(join(dir, "crm_node"), `#!/bin/sh\necho "$@" >>${calls}\nprintf '%s\\n' '${output}'\nexit ${exitCode}\n`);
  chmodSync(join(dir, "crm_node"), 0o755);
  return { path: dir, calls };
}

describe("withManualRunNode", () => {
  it("gives a crm_resource --force-* run the node name crm_node -n reports, so state files match the cluster's", async () => {
    const fake = fakeCrmNode("compute-2");
    const env = { PATH: fake.path, PCMK_service: "crm_resource", OCF_RESOURCE_INSTANCE: "nova-compute" };
    const environment = await withManualRunNode(readOcfEnvironment(env), env);
    expect(environment.onNode).toBe("compute-2");
  });

  it.each([
    ["a cluster operation (CRM_meta_on_node given)", { PCMK_service: "crm_resource", OCF_RESKEY_CRM_meta_on_node: "compute-1" }, "compute-1"],
    ["a run by anything but crm_resource (ocf-tester, the executor)", { PCMK_service: "pacemaker-execd" }, undefined],
    ["a run without PCMK_service", {}, undefined],
  ])("leaves %s alone", async (_what, extra, expected) => {
    const fake = fakeCrmNode("elsewhere");
    const env = { PATH: fake.path, ...extra };
    const environment = await withManualRunNode(readOcfEnvironment(env), env);
    expect(environment.onNode).toBe(expected);
  });

  it.each([
    ["crm_node fails", "compute-2", 1],
    ["crm_node prints nothing usable", "error: not connected", 0],
  ])("keeps no node name when %s", async (_what, output, code) => {
    const fake = fakeCrmNode(output, code);
    const env = { PATH: fake.path, PCMK_service: "crm_resource" };
    expect((await withManualRunNode(readOcfEnvironment(env), env)).onNode).toBeUndefined();
  });

  it("keeps no node name when crm_node is not installed", async () => {
    const env = { PATH: mkdtempSync(join(tmpdir(), "empty-path-")), PCMK_service: "crm_resource" };
    expect((await withManualRunNode(readOcfEnvironment(env), env)).onNode).toBeUndefined();
  });
});
