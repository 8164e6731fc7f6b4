// The Nova simulator as a child process of the lab, and a client of its control API (/_sim/...).
import { readFileSync, writeFileSync } from "node:fs";
import type { SimConfig, SimMigration, SimServer } from "../../sim/cloud-model.js";
import type { CloudSeed } from "../../sim/cloud-seed.js";
import type { ServiceView } from "../../sim/cloud-state.js";
import type { RequestLogEntry } from "../../sim/request-log.js";
import { spawnDetached, stopProcess } from "../lab-process.js";
import { waitFor } from "../lab-timeline.js";

/** How the lab starts the simulator. */
export interface SimLaunch {
  /** The bundled simulator (nova-sim.mjs). */
  script: string;
  /** Primary listen address: the one auth_url uses. */
  address: string;
  /** More listen addresses on the same port. */
  listen: string[];
  /** Compute hosts, in order. */
  hosts: string[];
  /** Hosts whose nova-compute is a real process heartbeating the simulator. */
  externalHeartbeat: string[];
  serversPerHost: number;
  shutoffEvery: number;
  latencyMs: number;
  seed: number;
  logFile: string;
}

/** A simulator the lab started. */
export interface SimProcess {
  readonly pid: number;
  readonly port: number;
  /** http://<primary address>:<port>/identity/v3 */
  readonly authUrl: string;
  /** http://<primary address>:<port> */
  readonly baseUrl: string;
  /** Its control API (over 127.0.0.1). */
  readonly control: SimControl;
}

/** The marker by which the lab recognises its simulator process. */
export const SIM_MARKER = "nova-sim.mjs";

/** Starts the simulator in the background and waits for the line that gives its port. */
export async function startSim(launch: SimLaunch): Promise<SimProcess> {
  const args = [
    launch.script,
    "--address", launch.address,
    ...launch.listen.flatMap((address) => ["--listen", address]),
    "--hosts", launch.hosts.join(","),
    "--external-heartbeat", launch.externalHeartbeat.join(","),
    "--servers-per-host", String(launch.serversPerHost),
    "--shutoff-every", String(launch.shutoffEvery),
    "--latency-ms", String(launch.latencyMs),
    "--seed", String(launch.seed),
  ];
  writeFileSync(launch.logFile, "");
  const pid = spawnDetached(process.execPath, args, launch.logFile, { HOME: "/root", LANG: "C.UTF-8" });
  const ready = await waitFor(
    `the simulator (pid ${pid}) to listen`,
    () => {
      const line = readFileSync(launch.logFile, "utf8").split("\n").find((l) => l.startsWith('{"authUrl"'));
      return line ? (JSON.parse(line) as { authUrl: string; baseUrl: string; port: number }) : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 100, describe: () => readFileSync(launch.logFile, "utf8").slice(-500) },
  ).catch(async (error: unknown) => {
    await stopProcess(pid, SIM_MARKER);
    throw error;
  });
  return { pid, port: ready.port, authUrl: ready.authUrl, baseUrl: ready.baseUrl, control: new SimControl(`http://127.0.0.1:${ready.port}`) };
}

/** Stops a simulator the lab started. */
export async function stopSim(pid: number): Promise<void> {
  await stopProcess(pid, SIM_MARKER);
}

/** The simulator's control API: state, servers, services, requests, config. Not counted in its request log. */
export class SimControl {
  constructor(readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/_sim${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simulator ${method} /_sim${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Every server, or those on one host. */
  async servers(host?: string): Promise<SimServer[]> {
    return (await this.call<{ servers: SimServer[] }>("GET", `/servers${host ? `?host=${encodeURIComponent(host)}` : ""}`)).servers;
  }

  /** Every service with its computed state (up/down) and forced_down, status, disabled reason. */
  async services(): Promise<ServiceView[]> {
    return (await this.call<{ services: ServiceView[] }>("GET", "/services")).services;
  }

  /** The nova-compute service of a host. */
  async computeService(host: string): Promise<ServiceView> {
    const service = (await this.services()).find((s) => s.binary === "nova-compute" && s.host === host);
    if (!service) throw new Error(`the simulator has no nova-compute service on ${host}`);
    return service;
  }

  /** Evacuation migrations, optionally from one source host. */
  async migrations(source?: string): Promise<SimMigration[]> {
    return (await this.call<{ migrations: SimMigration[] }>("GET", `/migrations${source ? `?source=${encodeURIComponent(source)}` : ""}`)).migrations;
  }

  /** The API requests served (oldest first). */
  async requests(): Promise<RequestLogEntry[]> {
    return (await this.call<{ requests: RequestLogEntry[] }>("GET", "/requests")).requests;
  }

  /** Request counters by route and status. */
  async counts(): Promise<{ total: number; byRoute: Record<string, number>; byStatus: Record<string, number> }> {
    return this.call("GET", "/counts");
  }

  /** Clears the request log and counters. */
  async resetCounts(): Promise<void> {
    await this.call("POST", "/counts/reset");
  }

  /** The simulator's settings now. */
  async config(): Promise<SimConfig> {
    return this.call("GET", "/config");
  }

  /** Replaces the whole cloud with a fresh one built from `seed` (the same PRNG seed value: the same ids as at start). */
  async reseed(seed: CloudSeed): Promise<void> {
    await this.call("POST", "/reset", seed);
  }

  /** Removes every injected failure. */
  async clearFailures(): Promise<void> {
    await this.call("DELETE", "/failures");
  }

  /** Changes simulator settings (e.g. evacuateLatencyMs). */
  async setConfig(patch: Partial<SimConfig>): Promise<SimConfig> {
    return this.call("PUT", "/config", patch);
  }

  /** Stops a simulated host's nova-compute (its heartbeat freezes). */
  async killHost(host: string): Promise<void> {
    await this.call("POST", `/hosts/${encodeURIComponent(host)}/kill`);
  }

  /** Whether no evacuation is in flight. */
  async idle(): Promise<boolean> {
    return (await this.call<{ idle: boolean }>("GET", "/idle")).idle;
  }
}

/** Evacuate POSTs per server id, from the request log (every status counted: a refused second try is still a try). */
export function evacuateRequestsPerServer(requests: readonly RequestLogEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of requests) {
    const match = entry.method === "POST" ? /\/servers\/([^/]+)\/action$/.exec(entry.path.split("?")[0] ?? "") : null;
    if (match?.[1]) counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
  }
  return counts;
}
