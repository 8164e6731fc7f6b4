// The simulator's programmatic entry point: start a Keystone + Nova + Glance simulator on one or more addresses.
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { SimAppCredential, SimConfig, SimUser } from "./cloud-model.js";
import type { CloudSeed } from "./cloud-seed.js";
import { SimCloud } from "./cloud-state.js";
import { DEFAULT_APP_CREDENTIAL, DEFAULT_USERS } from "./identity-store.js";
import { ZED_MAX_MICROVERSION, requireMicroversion } from "./microversion.js";
import { randomSeed } from "./prng.js";
import { createRequestListener } from "./server.js";

export type { CloudSeed } from "./cloud-seed.js";
export type { SimCloud, ServiceView, SeedSummary } from "./cloud-state.js";
export type { FailureSpec, FailureKind } from "./failures.js";
export type { EvacuateRecord } from "./evacuate-records.js";
export type { NetFaultPlan, NetFaultKind, Outage } from "./net-faults.js";
export type { SimServer, SimMigration, SimHost, SimFlavor, SimImage, SimConfig } from "./cloud-model.js";
export { EVACUABLE } from "./cloud-seed.js";

/** How to start the simulator. */
export interface SimOptions {
  /** Listen address (default 127.0.0.1); authUrl and baseUrl use it. */
  host?: string;
  /** Extra listen addresses on the same port (e.g. an address reachable from a network namespace). */
  listen?: string[];
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Seed for ids, jitter, scheduling ties and failure draws; random when absent. */
  seed?: number;
  /** Highest Nova microversion (default "2.93", Zed). */
  maxMicroversion?: string;
  tokenTtlSeconds?: number;
  /** Nova [api] max_limit (default 1000). */
  maxLimit?: number;
  evacuateLatencyMs?: number;
  evacuateJitterMs?: number;
  serviceDownTimeSeconds?: number;
  /** Default: admin / secret, project admin, domain Default. */
  users?: SimUser[];
  /** Default: one credential "ha-agents" (secret "appcred-secret") of the first user. */
  applicationCredentials?: SimAppCredential[];
  /** Nova report_interval (default 10). */
  reportIntervalSeconds?: number;
  /** Delay of disabling a dead compute Nova still thinks up (default 0; real Nova: 60000). */
  rpcTimeoutMs?: number;
  /** Answer 409 to evacuating a server with a task_state, like Nova before Zed (default false: Zed accepts it). */
  evacuateChecksTaskState?: boolean;
  /** Keep milliseconds in Nova's timestamps (default false: whole seconds, as Nova on MariaDB stores them). */
  subSecondTimestamps?: boolean;
  /** The cloud to seed at start (default 3 hosts × 4 servers). */
  cloud?: CloudSeed;
}

/** A running simulator. */
export interface Simulator {
  /** http://ADDR:PORT/identity/v3 */
  authUrl: string;
  /** http://ADDR:PORT */
  baseUrl: string;
  port: number;
  /** Direct synchronous access to the in-memory cloud. */
  cloud: SimCloud;
  /** Closes every listener and cancels pending evacuations. */
  stop(): Promise<void>;
}

/** The default cloud when none is given. */
export const DEFAULT_CLOUD: CloudSeed = { hosts: 3, serversPerHost: 4 };

function urlHost(address: string): string {
  return address.includes(":") ? `[${address}]` : address;
}

function configFrom(opts: SimOptions): SimConfig {
  const config: SimConfig = {
    maxMicroversion: opts.maxMicroversion ?? ZED_MAX_MICROVERSION,
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 3600,
    maxLimit: opts.maxLimit ?? 1000,
    evacuateLatencyMs: opts.evacuateLatencyMs ?? 300,
    evacuateJitterMs: opts.evacuateJitterMs ?? 0,
    serviceDownTimeSeconds: opts.serviceDownTimeSeconds ?? 60,
    reportIntervalSeconds: opts.reportIntervalSeconds ?? 10,
    rpcTimeoutMs: opts.rpcTimeoutMs ?? 0,
    evacuateChecksTaskState: opts.evacuateChecksTaskState ?? false,
    evacuateHold: false,
    wholeSecondTimestamps: !(opts.subSecondTimestamps ?? false),
    glanceDefaultLimit: 25,
    glanceMaxLimit: 1000,
    responseDelayMs: {},
    routeDelayMs: {},
    unschedulable: {},
  };
  requireMicroversion(config.maxMicroversion);
  return config;
}

function listen(server: Server, port: number, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts the simulator and seeds its cloud. */
export async function startSimulator(opts: SimOptions = {}): Promise<Simulator> {
  const users = opts.users ?? DEFAULT_USERS;
  const appCredentials = opts.applicationCredentials ?? (users[0] ? [{ ...DEFAULT_APP_CREDENTIAL, user: users[0].name }] : []);
  const cloud = new SimCloud(opts.seed ?? randomSeed(), configFrom(opts), users, appCredentials);
  cloud.seed(opts.cloud ?? DEFAULT_CLOUD);
  const primary = opts.host ?? "127.0.0.1";
  let port = opts.port ?? 0;
  const baseUrl = (): string => `http://${urlHost(primary)}:${port}`;
  const listener = createRequestListener(cloud, baseUrl);
  const servers: Server[] = [];
  try {
    for (const address of [primary, ...(opts.listen ?? [])]) {
      const server = createServer({ keepAliveTimeout: 30_000 }, listener);
      servers.push(server);
      port = await listen(server, port, address);
    }
  } catch (e) {
    for (const s of servers) s.close();
    cloud.stop();
    throw e;
  }
  return {
    authUrl: `${baseUrl()}/identity/v3`,
    baseUrl: baseUrl(),
    port,
    cloud,
    stop: async () => {
      cloud.stop();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}
