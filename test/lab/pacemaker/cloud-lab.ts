// The whole lab: a Pacemaker cluster with remote compute nodes, the Nova simulator, the agents deployed by docs/deploy.md.
import { hostname } from "node:os";
import { copyFile, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type LabTools, REPO_ROOT, bundleLabTools, ensureAgentsBuilt } from "../lab-bundles.js";
import { type StepResult, readDeploySteps, runDeployStep } from "./deploy-steps.js";
import { CLOUD_LAB_STATE, type OwnerRecord, ownerAlive, pacemakerLabRunning, readOwner, saveCloudsYaml, writeOwner } from "./lab-ownership.js";
import { processStat, runOk } from "../lab-process.js";
import { ClusterProbe } from "./cluster-probe.js";
import { startSim, type SimProcess } from "./sim-process.js";
import { Timeline, waitFor } from "../lab-timeline.js";
import { type CloudLabOptions, DEFAULT_EVACUATE_LATENCY_MS, DEFAULT_RECONNECT_INTERVAL, labShape } from "./lab-options.js";

export type { CloudLabOptions } from "./lab-options.js";
import { clearAgentState, teardownRecord } from "./lab-teardown.js";

/** The cloud the deploy steps configure (its name in clouds.yaml). */
export const LAB_CLOUD = "nova-ha-lab";
/** The address on the first compute node's host-side veth: reachable from the cluster node and from every namespace. */
export const LAB_SIM_ADDRESS = "198.51.100.1";

/** A running lab. Every helper reads the real cluster and the simulator; nothing is cached. */
export class CloudLab extends ClusterProbe {
  readonly timeline = new Timeline();
  /** Deploy steps run, with their output. */
  readonly deployed: StepResult[] = [];
  private stopping?: Promise<void>;
  private removeSignalHandlers?: () => void;

  constructor(
    readonly computes: readonly string[],
    readonly spares: readonly string[],
    readonly sim: SimProcess,
    /** What the lab started and changed (its owner record); teardown undoes exactly that. */
    readonly record: OwnerRecord,
    readonly progress: (line: string) => void,
  ) {
    super(hostname(), sim.control);
  }

  /** "Pulls the plug" of a compute node (kills its remoted and everything in its namespace, link down). */
  async powerOff(node: string): Promise<number> {
    await runOk("bash", [join(REPO_ROOT, "test/lab/pacemaker/compute-node.sh"), "power-off", nodeNumber(node)]);
    return this.timeline.mark(`${node} powered off`);
  }

  /** Powers a compute node on again (link up, pacemaker-remoted started). */
  async powerOn(node: string): Promise<number> {
    await runOk("bash", [join(REPO_ROOT, "test/lab/pacemaker/compute-node.sh"), "power-on", nodeNumber(node)]);
    return this.timeline.mark(`${node} powered on`);
  }

  /**
   * Kills pacemaker-attrd; pacemakerd starts a new one, which knows none of the private values (the evacuate flags):
   * what a restart of every controller does to attrd. Returns when the new one answers.
   */
  async crashAttrd(): Promise<number> {
    const parent = (await readFile("/run/nova-ha-lab/pacemakerd.pid", "utf8")).trim();
    const attrd = await childNamed(parent, "pacemaker-attrd");
    if (attrd === undefined) throw new Error(`no pacemaker-attrd under pacemakerd ${parent}`);
    process.kill(attrd, "SIGKILL");
    const at = this.timeline.mark("attrd killed");
    await waitFor("a new pacemaker-attrd to answer", async () => (await childNamed(parent, "pacemaker-attrd")) !== attrd && (await this.attrd(), true), { timeoutMs: 30_000 });
    return at;
  }

  /** Stops exactly what the lab started; safe to call twice and from a signal handler. */
  teardown(): Promise<void> {
    this.removeSignalHandlers?.();
    this.stopping ??= teardownRecord(this.record, this.progress);
    return this.stopping;
  }

  /** Tears the lab down on SIGINT/SIGTERM, then exits (130/143). For programs such as the demo; tests use afterAll. */
  teardownOnSignals(): void {
    const handler = (signal: NodeJS.Signals): void => {
      this.progress(`${signal}: tearing the lab down`);
      void this.teardown().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    };
    process.once("SIGINT", handler);
    process.once("SIGTERM", handler);
    this.removeSignalHandlers = () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    };
  }
}

/** The PID of the child of `parent` whose command name is `name`. */
async function childNamed(parent: string, name: string): Promise<number | undefined> {
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = processStat(Number(entry));
    if (stat && stat.name === name && stat.state !== "Z" && String(stat.ppid) === parent) return Number(entry);
  }
  return undefined;
}

/** "compute-3" → "3". */
function nodeNumber(node: string): string {
  const n = /^compute-(\d+)$/.exec(node)?.[1];
  if (!n) throw new Error(`${node} is not a lab compute node (compute-N)`);
  return n;
}

/** Refuses to run next to a lab someone else owns; cleans up one whose owner died. */
async function claimLab(progress: (line: string) => void): Promise<OwnerRecord> {
  const previous = readOwner();
  if (previous && ownerAlive(previous)) throw new Error(`a cloud lab owned by pid ${previous.pid} is running; let it finish (or kill it and retry)`);
  if (previous) {
    progress(`cleaning up the lab left by pid ${previous.pid}`);
    await teardownRecord(previous, progress);
  } else if (pacemakerLabRunning()) {
    throw new Error("a Pacemaker lab not started by cloud-lab is running; stop it first: test/lab/pacemaker/pacemaker-down.sh");
  }
  const record: OwnerRecord = { pid: process.pid, installed: [] };
  writeOwner(record);
  return record;
}

/** The lab's site values: the same variables an operator sets before running docs/deploy.md (section 0). */
function siteFile(lab: { computes: readonly string[]; controller: string; sim: SimProcess; tools: LabTools }): string {
  return [
    "# nova-ha lab site values, written by test/lab/pacemaker/cloud-lab.ts for the steps of docs/deploy.md",
    `export OS_CLOUD=${LAB_CLOUD}`,
    `export OS_AUTH_URL=${lab.sim.authUrl}`,
    "export OS_USERNAME=admin OS_PROJECT_NAME=admin",
    "export OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default",
    "export OS_REGION_NAME=RegionOne",
    "export OS_PASSWORD=secret",
    `export CONTROLLERS="${lab.controller}"`,
    `export COMPUTES="${lab.computes.join(" ")}"`,
    "export POWER_AGENT=fence_labpower",
    "power_options() { :; }",
    `export NOVA_COMPUTE_COMMAND="${process.execPath} ${lab.tools.novaCompute} --url ${lab.sim.baseUrl}"`,
    "",
  ].join("\n");
}

/** Brings up everything and deploys the agents with the commands of docs/deploy.md. */
export async function startCloudLab(options: CloudLabOptions = {}): Promise<CloudLab> {
  if (process.getuid?.() !== 0) throw new Error("the cloud lab needs root (network namespaces, Pacemaker, /usr install)");
  const progress = options.progress ?? (() => undefined);
  const { computes, spares, serversPerHost, shutoffEvery, seed } = labShape(options);
  const record = await claimLab(progress);
  const timeline = new Timeline();
  timeline.mark("lab start");
  try {
    clearAgentState();
    if (await ensureAgentsBuilt()) progress("agents rebuilt (npm run build)");
    const tools = await bundleLabTools(join(CLOUD_LAB_STATE, "bin"));
    timeline.mark("built");

    record.pacemaker = true;
    writeOwner(record);
    progress(`starting Pacemaker with ${computes.length} remote compute nodes`);
    await runOk("bash", [join(REPO_ROOT, "test/lab/pacemaker/pacemaker-up.sh")], {
      env: { LAB_REMOTES: String(computes.length), LAB_STONITH: "true", LAB_STONITH_ACTION: "off", LAB_FENCE_DEVICE: "none", LAB_FRESH: "1",
        LAB_RECONNECT: options.reconnectInterval ?? DEFAULT_RECONNECT_INTERVAL },
      timeoutMs: 900_000, // a fresh machine installs the Debian packages first
    });
    // Before the controller's first load check (30 s after it starts), so it never throttles on the default.
    if (options.loadThreshold) await runOk("crm_attribute", ["--type", "crm_config", "--name", "load-threshold", "--update", options.loadThreshold]);
    timeline.mark("pacemaker up");

    const sim = await startSim({
      script: tools.simulator,
      address: LAB_SIM_ADDRESS,
      listen: ["127.0.0.1"],
      hosts: [...computes, ...spares],
      externalHeartbeat: computes,
      serversPerHost,
      shutoffEvery,
      latencyMs: options.evacuateLatencyMs ?? DEFAULT_EVACUATE_LATENCY_MS,
      seed,
      logFile: "/var/log/nova-ha-lab/nova-sim.log",
    });
    record.simPid = sim.pid;
    writeOwner(record);
    timeline.mark("simulator up");
    progress(`simulator at ${sim.baseUrl} (pid ${sim.pid})`);

    const lab = new CloudLab(computes, spares, sim, record, progress);
    for (const event of timeline.list()) lab.timeline.mark(event.label, event.at);
    await deploy(lab, tools);
    return lab;
  } catch (error) {
    await teardownRecord(record, progress).catch(() => undefined);
    throw error;
  }
}

/** The controller's power fencing stand-in (site prerequisite), then every step of docs/deploy.md, then the wait for it all to run. */
async function deploy(lab: CloudLab, tools: LabTools): Promise<void> {
  const agent = "/usr/sbin/fence_labcontroller";
  await copyFile(join(REPO_ROOT, "test/lab/pacemaker/fence_labcontroller"), agent);
  lab.record.installed.push(agent);
  writeOwner(lab.record);
  // A long monitor interval: the fencer loses a child's exit when a synchronous metadata call overlaps it (2.1.5).
  await runOk("pcs", ["stonith", "create", "lab-controller-power", "fence_labcontroller", `pcmk_host_list=${lab.controller}`, "op", "monitor", "interval=3600s"]);
  await waitFor("lab-controller-power to start", async () => (await lab.status()).resources.some((r) => r.id === "lab-controller-power" && r.role === "Started" && !r.pending), { timeoutMs: 60_000 });

  const site = join(CLOUD_LAB_STATE, "site.sh");
  await writeFile(site, siteFile({ computes: lab.computes, controller: lab.controller, sim: lab.sim, tools }), { mode: 0o600 });
  for (const step of await readDeploySteps()) {
    if (step.name === "clouds-yaml") saveCloudsYaml(lab.record);
    lab.progress(`deploy step ${step.name}`);
    const result = await runDeployStep(step, site, CLOUD_LAB_STATE);
    lab.deployed.push(result);
    if (result.exitCode !== 0) throw new Error(`docs/deploy.md step ${step.name} exited ${result.exitCode}:\n${result.all.trim().split("\n").slice(-30).join("\n")}`);
    lab.timeline.mark(`deployed ${step.name}`);
  }
  await lab.waitUntilRunning(lab.computes, 180_000);
  lab.timeline.mark("lab ready");
}
