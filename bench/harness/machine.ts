// A description of the machine and software a run measured, for the report's header.
import { execFileSync } from "node:child_process";
import { cpus, loadavg, release, totalmem } from "node:os";
import { ROOT } from "./agents.js";

/** What ran where. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  ramGiB: number;
  kernel: string;
  node: string;
  python: string;
  peerPackages: string;
  commit: string;
  load: string;
}

function quiet(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], cwd: ROOT }).trim();
  } catch {
    return "unknown";
  }
}

/** The 1/5/15-minute load averages now. */
export function loadNow(): string {
  return loadavg().map((l) => l.toFixed(2)).join(" / ");
}

/** Reads the machine once. */
export function describeMachine(): MachineInfo {
  const dirty = quiet("git", ["status", "--porcelain", "--untracked-files=no"]) !== "";
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    ramGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    python: quiet("/usr/bin/python3", ["--version"]),
    peerPackages: quiet("dpkg-query", ["-W", "-f", "${Package} ${Version}; ", "fence-agents", "python3-novaclient", "python3-keystoneauth1", "python3-keystoneclient"]),
    commit: `${quiet("git", ["rev-parse", "--short", "HEAD"])}${dirty ? " + uncommitted changes" : ""}`,
    load: loadNow(),
  };
}
