// Looking at the running lab: crm_mon, attrd, the fencer's log, stonith history, and "is everything running".
import { closeSync, openSync, readSync, statSync } from "node:fs";
import {
  type AttrdWrite, type ClusterStatus, type DeviceOperation, type FenceHistoryEntry, parseAttrdLines, parseAttrdWrites, parseCrmMon, parseFenceHistory,
  parseFencerLog, parseLogTime, remoteOnline, startedOn,
} from "./cluster-status.js";
import { type CommandResult, run, runOk } from "../lab-process.js";
import { waitFor } from "../lab-timeline.js";
import type { SimControl } from "./sim-process.js";

/** Pacemaker's log (the lab sets PCMK_logfile to it). */
export const PACEMAKER_LOG = "/var/log/pacemaker/pacemaker.log";
/** fence_labpower's one line per call. */
export const LABPOWER_LOG = "/var/log/nova-ha-lab/fence_labpower.log";

/** The size of a file now: read from here later to see only what was added since. */
export function fileOffset(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** What was appended to a file since `offset`. */
export function readSince(path: string, offset: number): string {
  const size = fileOffset(path);
  if (size <= offset) return "";
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(path, "r");
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  return buffer.toString("utf8");
}

/** Reads a growing log file from where it was when followed, whole lines at a time. */
export class LogFollower {
  private offset: number;

  constructor(readonly path: string) {
    this.offset = fileOffset(path);
  }

  /** The complete lines appended since the last call (a line still being written waits for the next). */
  next(): string {
    const text = readSince(this.path, this.offset);
    const end = text.lastIndexOf("\n") + 1;
    const complete = text.slice(0, end);
    this.offset += Buffer.byteLength(complete);
    return complete;
  }
}

/** Read-only views of the cluster and the simulator, plus the command-line tools, as a test or the demo needs them. */
export class ClusterProbe {
  constructor(
    /** The cluster node (the "controller"), where NovaEvacuate and the fence devices run. */
    readonly controller: string,
    private readonly nova: SimControl,
  ) {}

  /** crm_mon -1 --inactive --output-as=xml, parsed (stopped resources included, with role Stopped). */
  async status(): Promise<ClusterStatus> {
    return parseCrmMon(await runOk("crm_mon", ["-1", "--inactive", "--output-as=xml"], { timeoutMs: 30_000 }));
  }

  /** The evacuate attribute of every host attrd knows (private values included); empty when nobody set it. */
  async attrd(): Promise<Map<string, string>> {
    const result = await run("attrd_updater", ["-n", "evacuate", "-Q", "-A"], { timeoutMs: 15_000 });
    if (result.exitCode === 78) return new Map();
    if (result.exitCode !== 0) throw new Error(`attrd_updater failed (${result.exitCode}): ${result.stderr.trim()}`);
    return parseAttrdLines(result.stdout);
  }

  /** The cluster's Pacemaker version, from `pacemakerd --version` ("2.1.5", "3.0.0"). */
  async pacemakerVersion(): Promise<string> {
    const version = /^Pacemaker (\S+)/.exec(await runOk("pacemakerd", ["--version"]))?.[1];
    if (!version) throw new Error("pacemakerd --version printed no version");
    return version;
  }

  /** True from Pacemaker 3.0.2 on: its controller removes a fenced node's attributes right after the fencing (e7104c71e1). */
  async purgesFencedNodeAttributes(): Promise<boolean> {
    const [major = 0, minor = 0, patch = 0] = (await this.pacemakerVersion()).split(".").map((part) => parseInt(part, 10));
    return major * 10_000 + minor * 100 + patch >= 30_002;
  }

  /** Runs pcs (the output is returned, the exit code is the caller's to check). */
  pcs(...args: string[]): Promise<CommandResult> {
    return run("pcs", args, { timeoutMs: 120_000 });
  }

  /** Device-level fencing operations logged since `offset` of pacemaker.log (see fileOffset). */
  fenceOperations(offset: number): DeviceOperation[] {
    return parseFencerLog(readSince(PACEMAKER_LOG, offset));
  }

  /** Every value attrd set for `name` on `node` since `offset` of pacemaker.log, in order (see parseAttrdWrites). */
  attrdWrites(offset: number, name: string, node: string): AttrdWrite[] {
    return parseAttrdWrites(readSince(PACEMAKER_LOG, offset), name, node);
  }

  /** Times (ms since epoch) of the pacemaker.log lines since `offset` that match `pattern`. */
  logTimes(offset: number, pattern: RegExp): number[] {
    return readSince(PACEMAKER_LOG, offset)
      .split("\n")
      .filter((line) => pattern.test(line))
      .map((line) => parseLogTime(line))
      .filter((at): at is number => at !== undefined);
  }

  /** `stonith_admin --history NODE --verbose`, parsed (newest first, as it prints). */
  async fenceHistory(node: string): Promise<FenceHistoryEntry[]> {
    return parseFenceHistory(await runOk("stonith_admin", ["--history", node, "--verbose"]));
  }

  /** fence_labpower's log lines since `offset` (actions only: metadata and monitor calls left out). */
  labPowerCalls(offset: number): string[] {
    return readSince(LABPOWER_LOG, offset).split("\n").filter((line) => /action=(on|off|reboot) /.test(line));
  }

  /** A short picture of the cluster for timeout messages. */
  async describe(): Promise<string> {
    const status = await this.status();
    const nodes = status.nodes.map((n) => `${n.name}:${n.online ? "online" : "offline"}${n.unclean ? "/unclean" : ""}`).join(" ");
    const resources = status.resources.map((r) => `${r.id}=${r.pending ?? r.role}${r.failed ? "/FAILED" : ""}@${r.nodes.join("+") || "-"}`).join(" ");
    const failures = status.failures.map((f) => `${f.opKey}@${f.node}:${f.status}${f.exitReason ? `(${f.exitReason})` : ""}`).join(" ");
    return `nodes: ${nodes}; resources: ${resources}${failures ? `; failures: ${failures}` : ""}`;
  }

  /**
   * Waits until the deployment runs: every fence device and nova-evacuate started on the controller, each compute
   * node online with NovaCompute started, and each compute's nova-compute heartbeating the simulator, enabled and not
   * forced down.
   */
  async waitUntilRunning(computes: readonly string[], timeoutMs: number): Promise<void> {
    await waitFor(
      "the deployment to run (fence devices, nova-evacuate, nova-compute on every compute node, services up in Nova)",
      async () => {
        const status = await this.status();
        const devices = status.resources.filter((r) => r.agent.startsWith("stonith:"));
        if (devices.length === 0 || !devices.every((d) => startedOn(status, d.id, this.controller))) return false;
        if (!startedOn(status, "nova-evacuate", this.controller)) return false;
        if (!computes.every((node) => remoteOnline(status, node) && startedOn(status, "nova-compute-clone", node))) return false;
        const services = await this.nova.services();
        return computes.every((node) => services.some((s) => s.host === node && s.binary === "nova-compute" && s.state === "up" && s.status === "enabled" && !s.forcedDown));
      },
      { timeoutMs, intervalMs: 1000, describe: () => this.describe() },
    );
  }
}
