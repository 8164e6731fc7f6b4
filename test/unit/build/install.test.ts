// The built bundles and the install target: self-contained executables, installed where a package would put them.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { installedWorkflow } from "../../../src/cli/mistral-command.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const INSTALLED = [
  "usr/lib/ocf/resource.d/openstack/NovaEvacuate",
  "usr/lib/ocf/resource.d/openstack/NovaCompute",
  "usr/sbin/fence_compute",
  "usr/sbin/fence_evacuate",
  "usr/bin/nova-ha",
];

describe("make install", () => {
  const destdir = mkdtempSync(join(tmpdir(), "destdir-"));
  execFileSync("make", ["-s", "install", `DESTDIR=${destdir}`, "PREFIX=/usr"], { cwd: ROOT, stdio: "pipe" });

  it.each(INSTALLED)("installs %s with mode 0755 under DESTDIR", (path) => {
    expect(statSync(join(destdir, path)).mode & 0o777).toBe(0o755);
  });

  it("installed agents run from an empty directory, with no node_modules anywhere near", () => {
    const empty = mkdtempSync(join(tmpdir(), "empty-"));
    const ocf = spawnSync(join(destdir, INSTALLED[0] as string), ["meta-data"], { cwd: empty, encoding: "utf8", env: { PATH: "/usr/bin:/bin" } });
    expect(ocf.status).toBe(0);
    expect(ocf.stdout).toContain('<resource-agent name="NovaEvacuate"');
    const fence = spawnSync(join(destdir, INSTALLED[2] as string), [], { cwd: empty, input: "action=metadata\n", encoding: "utf8", env: { PATH: "/usr/bin:/bin" } });
    expect(fence.status).toBe(0);
    expect(fence.stdout).toContain('<resource-agent name="fence_compute"');
    const cli = spawnSync(join(destdir, INSTALLED[4] as string), ["--version"], { cwd: empty, encoding: "utf8" });
    expect(cli.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("honours PREFIX", () => {
    const other = mkdtempSync(join(tmpdir(), "prefix-"));
    execFileSync("bash", ["scripts/install.sh"], { cwd: ROOT, env: { ...process.env, DESTDIR: other, PREFIX: "/opt/nova-ha" }, stdio: "pipe" });
    expect(statSync(join(other, "opt/nova-ha/sbin/fence_compute")).isFile()).toBe(true);
    // npm run install-agents (this script) installs the Mistral workflow as make install does, under PREFIX.
    expect(statSync(join(other, "opt/nova-ha/share/nova-ha/workflows/nova-ha-host-evacuate.yaml")).mode & 0o777).toBe(0o644);
  });

  it("nova-ha finds the workflow installed beside it, whatever PREFIX was", () => {
    const other = mkdtempSync(join(tmpdir(), "prefix-"));
    execFileSync("bash", ["scripts/install.sh"], { cwd: ROOT, env: { ...process.env, DESTDIR: other, PREFIX: "/opt/nova-ha" }, stdio: "pipe" });
    expect(installedWorkflow(join(other, "opt/nova-ha/bin/nova-ha"))).toBe(join(other, "opt/nova-ha/share/nova-ha/workflows/nova-ha-host-evacuate.yaml"));
    expect(installedWorkflow(join(tmpdir(), "nowhere/bin/nova-ha"))).toBe("/usr/share/nova-ha/workflows/nova-ha-host-evacuate.yaml");
  });
});
