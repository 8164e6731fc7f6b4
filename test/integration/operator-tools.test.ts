// The operator's tools on the installed agents in a real cluster: crm_resource --force-*/--validate, stonith_admin,
// ocf-tester, pcs describe, and metadata validation against the DTD and schemas Debian ships.
import { describe, expect, it } from "vitest";
import { resourceInstances, startedOn } from "../lab/pacemaker/cluster-status.js";
import type { CloudLab } from "../lab/pacemaker/cloud-lab.js";
import { LAB_CLOUD } from "../lab/pacemaker/cloud-lab.js";
import { HostWatch } from "../lab/pacemaker/host-watch.js";
import { REPO_ROOT } from "../lab/lab-bundles.js";
import { type CommandResult, run } from "../lab/lab-process.js";
import { waitFor } from "../lab/lab-timeline.js";
import { useCloudLab } from "./lab-fixture.js";

const lab = useCloudLab("operator-tools");

const OCF_DIR = "/usr/lib/ocf/resource.d/openstack";
const OCF_AGENTS = ["NovaEvacuate", "NovaCompute"] as const;
const FENCE_AGENTS = ["fence_compute", "fence_evacuate"] as const;
/** The environment an operator's root shell gives the tools (nothing of the test process). */
const SHELL = { cleanEnv: true, env: { HOME: "/root", LANG: "C.UTF-8" } } as const;

/** Runs a command as an operator would; returns its result for the caller to check. */
function sh(command: string, ...args: string[]): Promise<CommandResult> {
  return run(command, args, SHELL);
}

/** Runs a command inside a compute node's network namespace (through pacemaker-remoted's proxy for the CLI tools). */
function onNode(node: string, command: string, ...args: string[]): Promise<CommandResult> {
  return run("bash", [`${REPO_ROOT}/test/lab/pacemaker/compute-node.sh`, "exec", node.replace(/^compute-/, ""), "--", command, ...args], SHELL);
}

/** Expects an exit code, showing the output when it differs. */
function expectExit(result: CommandResult, code: number): void {
  expect(result.exitCode, result.all).toBe(code);
}

/** The parameter names of an agent's metadata that are not deprecated. */
function parameterNames(metadata: string): string[] {
  return [...metadata.matchAll(/<parameter name="([^"]+)"([^>]*)>/g)].filter((m) => !/deprecated="1"/.test(m[2] ?? "")).map((m) => m[1] as string);
}

/** Clears the failures force-runs may have caused and waits until the resource runs where it should. */
async function settle(l: CloudLab, rsc: string, node: string): Promise<void> {
  expectExit(await sh("crm_resource", "--cleanup", "-r", rsc), 0);
  await waitFor(`${rsc} started on ${node} with no failures`, async () => {
    const status = await l.status();
    return startedOn(status, rsc, node) && !status.failures.some((f) => f.opKey.startsWith(`${rsc.replace(/-clone$/, "")}_`));
  }, { timeoutMs: 90_000, intervalMs: 1000, describe: () => l.describe() });
}

describe("metadata", () => {
  it.each(OCF_AGENTS)("of %s validates against ra-api-1.dtd and resource-agents' metadata.rng, also when run as nobody", async (agent) => {
    const meta = await sh(`${OCF_DIR}/${agent}`, "meta-data");
    expectExit(meta, 0);
    expect(meta.stdout).toContain('<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">');
    const dtd = await run("xmllint", ["--noout", "--nonet", "--dtdvalid", "ra-api-1.dtd", "-"], { ...SHELL, cwd: "/usr/share/resource-agents", input: meta.stdout });
    expectExit(dtd, 0);
    const rng = await run("xmllint", ["--noout", "--nonet", "--relaxng", "/usr/share/resource-agents/metadata.rng", "-"], { ...SHELL, input: meta.stdout });
    expectExit(rng, 0);
    const asNobody = await sh("su", "nobody", "-s", "/bin/sh", "-c", `${OCF_DIR}/${agent} meta-data`);
    expectExit(asNobody, 0);
    expect(asNobody.stdout).toBe(meta.stdout);
  });

  it.each(FENCE_AGENTS)("of %s validates against the fence-agents metadata.rng", async (agent) => {
    const meta = await sh(`/usr/sbin/${agent}`, "-o", "metadata");
    expectExit(meta, 0);
    const rng = await run("xmllint", ["--noout", "--nonet", "--relaxng", "/usr/share/cluster/relaxng/metadata.rng", "-"], { ...SHELL, input: meta.stdout });
    expectExit(rng, 0);
  });
});

/**
 * Whether `pcs … describe` output lists a parameter: pcs 0.11 prints "  name: description", pcs 0.12 "  name" alone
 * on its line (then "    Description: …"); either may add "(required)", "(unique)" after the name.
 */
function describesParameter(described: string, name: string): boolean {
  return new RegExp(`^  ${name}(?: \\([a-z-]+\\))*(?::|$)`, "m").test(described);
}

describe("pcs describe", () => {
  it.each(OCF_AGENTS)("pcs resource describe ocf:openstack:%s lists every parameter", async (agent) => {
    const names = parameterNames((await sh(`${OCF_DIR}/${agent}`, "meta-data")).stdout);
    const described = await sh("pcs", "resource", "describe", `ocf:openstack:${agent}`);
    expectExit(described, 0);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !describesParameter(described.stdout, name))).toEqual([]);
  });

  it.each(FENCE_AGENTS)("pcs stonith describe %s lists every parameter but the fencing library's own", async (agent) => {
    const names = parameterNames((await sh(`/usr/sbin/${agent}`, "-o", "metadata")).stdout).filter((n) => !["action", "version", "help"].includes(n));
    const described = await sh("pcs", "stonith", "describe", agent);
    expectExit(described, 0);
    expect(names).toEqual(expect.arrayContaining(["cloud", "auth_url", "domain", "no_shared_storage"]));
    expect(names.filter((name) => !describesParameter(described.stdout, name))).toEqual([]);
  });
});

describe("ocf-tester", () => {
  it("passes on NovaEvacuate", async () => {
    const result = await sh("ocf-tester", "-n", "nova-evacuate-tester", "-o", `cloud=${LAB_CLOUD}`, `${OCF_DIR}/NovaEvacuate`);
    expectExit(result, 0);
    expect(result.stdout).toContain(`${OCF_DIR}/NovaEvacuate passed all tests`);
  });

  it("passes on NovaCompute as a gate (wait_only) and running a command", async () => {
    const gate = await sh("ocf-tester", "-n", "nova-compute-gate-tester", "-o", `cloud=${LAB_CLOUD}`, "-o", "wait_only=true", "-o", "host=spare-2", `${OCF_DIR}/NovaCompute`);
    expectExit(gate, 0);
    expect(gate.stdout).toContain("passed all tests");
    const command = await sh("ocf-tester", "-n", "nova-compute-command-tester", "-o", `cloud=${LAB_CLOUD}`, "-o", "host=spare-2", "-o", "command=/bin/sleep 3600", `${OCF_DIR}/NovaCompute`);
    expectExit(command, 0);
    expect(command.stdout).toContain("passed all tests");
  });
});

describe("crm_resource --validate", () => {
  it("validates the configured resources", async () => {
    expectExit(await sh("crm_resource", "--validate", "-r", "nova-evacuate"), 0);
  });

  it.each([
    ["NovaEvacuate", [`cloud=${LAB_CLOUD}`], 0, undefined],
    // A cloud this node's clouds.yaml lacks is a problem of this node (docs/compatibility.md, exit codes): 1, not 6.
    ["NovaEvacuate", ["cloud=no-such-cloud"], 1, /cloud .no-such-cloud. is not in \/etc\/openstack\/clouds\.yaml/],
    ["NovaCompute", [`cloud=${LAB_CLOUD}`, "wait_only=true"], 0, undefined],
    ["NovaCompute", [`cloud=${LAB_CLOUD}`], 6, /set systemd_unit, command, or wait_only=true/],
  ] as const)("--agent %s --option %j exits %i", async (agent, options, code, reason) => {
    const result = await sh("crm_resource", "--validate", "--class", "ocf", "--provider", "openstack", "--agent", agent, ...options.flatMap((o) => ["--option", o]));
    expectExit(result, code);
    if (reason) {
      const lines = result.all.split("\n").filter((line) => reason.test(line));
      expect(lines.length, result.all).toBeGreaterThan(0);
      expect(lines.every((line) => line.length < 300)).toBe(true);
    }
  });
});

/**
 * Runs `debug` with the resource unmanaged, as docs/operations.md tells operators: otherwise Pacemaker's own recurring
 * monitor sees the force-stop and recovers the resource (stop, start) in the middle of the commands.
 */
async function unmanaged(rsc: string, debug: () => Promise<void>): Promise<void> {
  expectExit(await sh("pcs", "resource", "unmanage", rsc), 0);
  // Actions Pacemaker had already begun still finish: wait until it has none left.
  expectExit(await sh("crm_resource", "--wait", "--timeout", "120s"), 0);
  try {
    await debug();
  } finally {
    expectExit(await sh("pcs", "resource", "manage", rsc), 0);
  }
}

describe("crm_resource --force-start, --force-check, --force-stop -V (the resource unmanaged)", () => {
  it("work on NovaEvacuate, on the controller", async () => {
    const l = lab();
    await unmanaged("nova-evacuate", async () => {
      const check = await sh("crm_resource", "--force-check", "-r", "nova-evacuate");
      expectExit(check, 0);
      expect(check.all).toMatch(/Operation force-check for nova-evacuate \(ocf:openstack:NovaEvacuate\) returned 0 \(ok\)/i); // 3.0: "(OK)"
      const stop = await sh("crm_resource", "--force-stop", "-r", "nova-evacuate", "-V");
      expectExit(stop, 0);
      expect(stop.all).toMatch(/NovaEvacuate\[\d+\] debug:/);
      expectExit(await sh("crm_resource", "--force-check", "-r", "nova-evacuate"), 7);
      expectExit(await sh("crm_resource", "--force-start", "-r", "nova-evacuate"), 0);
      expectExit(await sh("crm_resource", "--force-check", "-r", "nova-evacuate"), 0);
    });
    await settle(l, "nova-evacuate", l.controller);
  });

  it("work on NovaCompute, on a compute node (through pacemaker_remote)", async () => {
    const l = lab();
    const node = "compute-2";
    await unmanaged("nova-compute-clone", async () => {
      const check = await onNode(node, "crm_resource", "--force-check", "-r", "nova-compute");
      expectExit(check, 0);
      expect(check.all).toMatch(/Operation force-check for nova-compute \(ocf:openstack:NovaCompute\) returned 0 \(ok\)/i); // 3.0: "(OK)"
      const stop = await onNode(node, "crm_resource", "--force-stop", "-r", "nova-compute", "-V");
      expectExit(stop, 0);
      expect(stop.all).toMatch(/NovaCompute\[\d+\] debug:/);
      expectExit(await onNode(node, "crm_resource", "--force-check", "-r", "nova-compute"), 7);
      expectExit(await onNode(node, "crm_resource", "--force-start", "-r", "nova-compute"), 0);
      expectExit(await onNode(node, "crm_resource", "--force-check", "-r", "nova-compute"), 0);
    });
    await settle(l, "nova-compute-clone", node);
  });
});

describe("stonith_admin --fence and a hand-run recovery", () => {
  it("fence a simulated host through fence_compute; crm_resource --force-check on NovaEvacuate then recovers it to completion", async () => {
    const l = lab();
    const host = "spare-1";
    expectExit(await sh("pcs", "resource", "disable", "nova-evacuate", "--wait=60"), 0);
    expect(resourceInstances(await l.status(), "nova-evacuate").every((r) => r.role === "Stopped")).toBe(true);
    expectExit(await sh("pcs", "stonith", "update", "fence-nova", `pcmk_host_list=${[...l.computes, host].join(" ")}`), 0);
    const watch = await HostWatch.start(host, l, l.sim.control, l.timeline);
    try {
      await l.sim.control.killHost(host);
      const fence = await waitFor(`stonith_admin --fence ${host} (fence-nova registered for it)`, async () => {
        const result = await sh("stonith_admin", "--fence", host);
        return result.exitCode === 0 ? result : undefined;
      }, { timeoutMs: 30_000, intervalMs: 2000 });
      expectExit(fence, 0);
      await waitFor(`${host} flagged`, () => watch.flags.includes("yes"), { timeoutMs: 10_000 });
      expect(await l.sim.control.computeService(host)).toMatchObject({ forcedDown: true, status: "disabled" });
      expect((await l.fenceHistory(host)).some((e) => e.action === "off" && e.state === "successful")).toBe(true);

      expectExit(await sh("crm_resource", "--force-start", "-r", "nova-evacuate"), 0);
      const pass = await sh("crm_resource", "--force-check", "-r", "nova-evacuate");
      expectExit(pass, 0);
      expect(pass.all).toMatch(new RegExp(`host recovered .*host=${host} .*recovered=${watch.tracked.length} failed=0`));
      await waitFor(`${host} recovered, flag no, marker evacuated`, () => watch.allRecovered && watch.flags.includes("no") && watch.reasons.some((r) => r.startsWith("nova-ha:evacuated")), {
        timeoutMs: 15_000, describe: () => `flags ${JSON.stringify(watch.flags)}, reasons ${JSON.stringify(watch.reasons)}`,
      });
      expectExit(await sh("crm_resource", "--force-stop", "-r", "nova-evacuate"), 0);
    } finally {
      await watch.stop();
      await sh("pcs", "stonith", "update", "fence-nova", `pcmk_host_list=${l.computes.join(" ")}`);
      await sh("pcs", "resource", "enable", "nova-evacuate");
    }
    await settle(l, "nova-evacuate", l.controller);
  });
});
