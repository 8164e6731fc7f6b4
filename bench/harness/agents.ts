// How the benchmark invokes our built agents and the peers: paths, environment, fence stdin, OCF variables.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { FAKE_BIN } from "./bench-attrd.js";
import type { RunSpec } from "./measure.js";

/** The project root. */
export const ROOT = resolve(import.meta.dirname, "..", "..");

/** Who is being measured. */
export type Side = "ours" | "peer";

/** The fence agents both sides have. */
export type FenceAgent = "fence_compute" | "fence_evacuate";

/** Our executables (the peers' are found at run time, see peer-agents.ts). */
export const AGENT_PATHS = {
  ours: {
    fence_compute: join(ROOT, "fence", "fence_compute"),
    fence_evacuate: join(ROOT, "fence", "fence_evacuate"),
    NovaEvacuate: join(ROOT, "ocf", "NovaEvacuate"),
    NovaCompute: join(ROOT, "ocf", "NovaCompute"),
  },
} as const;

/** The peer NovaEvacuate loop (one monitor pass). */
export const PEER_LOOP = join(ROOT, "bench", "peer-nova-evacuate.sh");

/** The sitecustomize shim that restores inspect.getargspec for the peers on Python 3.11. */
export const PEER_SHIM = join(ROOT, "bench", "peer-shim");

/** Where the simulator is and who to log in as. */
export interface Endpoint {
  authUrl: string;
  username: string;
  password: string;
  project: string;
}

/** Per-run settings every invocation shares. */
export interface InvocationEnv {
  endpoint: Endpoint;
  /** FAKE_ATTRD_DIR of the fake attrd_updater. */
  attrdDir: string;
  /** HA_RSCTMP of our NovaEvacuate (token cache, state file). */
  rscTmp: string;
  /** Kills a stuck invocation. */
  timeoutMs: number;
  /** Debian's unmodified fence agents. */
  peers: Record<FenceAgent, string>;
}

/** NovaEvacuate's resource id in the benchmark. */
export const RESOURCE_INSTANCE = "nova-evacuate";

const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The same base environment for both sides: fake attrd_updater first on PATH, the peer shim on PYTHONPATH, C locale. */
export function baseEnv(inv: InvocationEnv): NodeJS.ProcessEnv {
  return {
    PATH: `${FAKE_BIN}:${dirname(process.execPath)}:${SYSTEM_PATH}`,
    PYTHONPATH: PEER_SHIM,
    FAKE_ATTRD_DIR: inv.attrdDir,
    HOME: process.env.HOME ?? "/root",
    LANG: "C",
    LC_ALL: "C",
    TMPDIR: process.env.TMPDIR ?? "/tmp",
  };
}

/** The key=value lines pacemaker-fenced would write on a fence agent's stdin. */
export function fenceStdin(inv: InvocationEnv, action: string, plug?: string, extra: Record<string, string> = {}): string {
  const lines: Record<string, string> = {
    action,
    ...(plug !== undefined ? { port: plug, nodename: plug } : {}),
    auth_url: inv.endpoint.authUrl,
    login: inv.endpoint.username,
    passwd: inv.endpoint.password,
    tenant_name: inv.endpoint.project,
    ...extra,
  };
  return `${Object.entries(lines).map(([k, v]) => `${k}=${v}`).join("\n")}\n`;
}

/** One fence agent action of one side, options on stdin as Pacemaker passes them. */
export function fenceCall(side: Side, agent: FenceAgent, inv: InvocationEnv, action: string, plug?: string, extra?: Record<string, string>): RunSpec {
  const command = side === "ours" ? AGENT_PATHS.ours[agent] : inv.peers[agent];
  if (action === "metadata") return { command, args: ["-o", "metadata"], env: baseEnv(inv), timeoutMs: inv.timeoutMs };
  return { command, args: [], env: baseEnv(inv), stdin: fenceStdin(inv, action, plug, extra), timeoutMs: inv.timeoutMs };
}

/** Tunables of our NovaEvacuate (OCF_RESKEY_<name>), beyond the connection. */
export type NovaEvacuateParams = Record<string, string>;

/** Our NovaEvacuate running an OCF action as Pacemaker would (recurring monitor: interval set). */
export function novaEvacuateCall(inv: InvocationEnv, action: string, params: NovaEvacuateParams = {}, intervalMs = 10_000): RunSpec {
  const timeoutMs = inv.timeoutMs;
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(inv),
    OCF_ROOT: "/usr/lib/ocf",
    OCF_RESOURCE_INSTANCE: RESOURCE_INSTANCE,
    HA_RSCTMP: inv.rscTmp,
    OCF_RESKEY_CRM_meta_timeout: String(timeoutMs),
    OCF_RESKEY_CRM_meta_interval: action === "monitor" ? String(intervalMs) : "0",
    OCF_RESKEY_auth_url: inv.endpoint.authUrl,
    OCF_RESKEY_username: inv.endpoint.username,
    OCF_RESKEY_password: inv.endpoint.password,
    OCF_RESKEY_tenant_name: inv.endpoint.project,
    OCF_RESKEY_no_shared_storage: "true",
  };
  for (const [name, value] of Object.entries(params)) env[`OCF_RESKEY_${name}`] = value;
  return { command: AGENT_PATHS.ours.NovaEvacuate, args: [action], env, timeoutMs: timeoutMs + 5_000 };
}

/** Our NovaCompute's meta-data (it has no peer on this machine). */
export function novaComputeMetadata(inv: InvocationEnv): RunSpec {
  return { command: AGENT_PATHS.ours.NovaCompute, args: ["meta-data"], env: baseEnv(inv), timeoutMs: inv.timeoutMs };
}

/** One pass of the peer NovaEvacuate loop (bench/peer-nova-evacuate.sh) over the peer fence_evacuate. */
export function peerLoopPass(inv: InvocationEnv): RunSpec {
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(inv),
    PEER_FENCE_EVACUATE: inv.peers.fence_evacuate,
    PEER_AUTH_URL: inv.endpoint.authUrl,
    PEER_USERNAME: inv.endpoint.username,
    PEER_PASSWORD: inv.endpoint.password,
    PEER_TENANT: inv.endpoint.project,
  };
  return { command: "/bin/bash", args: [PEER_LOOP], env, timeoutMs: inv.timeoutMs };
}

/** What is missing to run the benchmark (empty when all is there). */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  for (const path of Object.values(AGENT_PATHS.ours)) if (!existsSync(path)) missing.push(`ours: ${path} (npm run build)`);
  if (!existsSync("/var/lib/dpkg/info/fence-agents.md5sums")) missing.push("peers: Debian package fence-agents");
  if (!existsSync("/usr/bin/time")) missing.push("/usr/bin/time (package time)");
  if (!existsSync("/usr/bin/python3")) missing.push("/usr/bin/python3");
  return missing;
}

/** The apt command that installs the peers and GNU time. */
export const PEER_INSTALL_COMMAND =
  "apt-get install -y -o DPkg::Lock::Timeout=600 fence-agents python3-novaclient python3-keystoneauth1 python3-keystoneclient time";
