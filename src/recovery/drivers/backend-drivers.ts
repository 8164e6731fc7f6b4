// Opens the recovery back-ends' drivers for one agent run, each on first use: an idle monitor opens nothing.
import type { Logger } from "../../kit/logger.js";
import { BackendSession } from "../../openstack/backend-session.js";
import { Transport } from "../../openstack/http.js";
import { createMasakariApi } from "../../openstack/masakari/masakari-api.js";
import { createMistralApi } from "../../openstack/mistral/mistral-api.js";
import type { CloudConfig } from "../../openstack/types.js";
import { MasakariDriver } from "./masakari-driver.js";
import { MistralDriver } from "./mistral-driver.js";
import type { BackendDriverName, RecoveryDriver } from "./recovery-driver.js";

/** How the back-ends are reached: the credentials (the back-end's own, or the agent's), and the run's bounds. */
export interface BackendDriverOptions {
  /** Loads the credentials, once, on the first use of a back-end. */
  readonly config: () => Promise<CloudConfig>;
  readonly log: Logger;
  /** Epoch ms after which no request starts (the operation's timeout). */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
}

/** The drivers of one run, and the connections to close after it. */
export interface BackendDrivers {
  /** The driver of a back-end (its session opens at its first request). */
  driverFor(name: BackendDriverName): RecoveryDriver;
  /** Releases idle connections. */
  close(): void;
}

/** A driver that connects on its first call, so that choosing it costs nothing until a host is handed over. */
class LazyDriver implements RecoveryDriver {
  private opened: Promise<RecoveryDriver> | undefined;

  constructor(readonly name: BackendDriverName, private readonly open: () => Promise<RecoveryDriver>) {}

  /** Opens the driver once, then asks it. */
  async advance(...args: Parameters<RecoveryDriver["advance"]>): ReturnType<RecoveryDriver["advance"]> {
    this.opened ??= this.open();
    return (await this.opened).advance(...args);
  }

  /** Opens the driver once, then looks without starting anything. */
  async follow(...args: Parameters<RecoveryDriver["follow"]>): ReturnType<RecoveryDriver["follow"]> {
    this.opened ??= this.open();
    return (await this.opened).follow(...args);
  }
}

/** A session to one back-end, and its transport to close after use. */
export interface OpenBackend {
  readonly session: BackendSession;
  close(): void;
}

/** Opens a session to a back-end with the given credentials, bounded by the run's deadline and signal. */
export function openBackend(name: BackendDriverName, cloud: CloudConfig, options: Omit<BackendDriverOptions, "config">): OpenBackend {
  const transport = new Transport({ ...cloud, logger: options.log, userAgent: "nova-ha-agents", deadline: options.deadline, signal: options.signal });
  return { session: new BackendSession(transport, cloud, name), close: () => transport.close() };
}

/** Opens drivers on demand with one transport per back-end. */
export function backendDrivers(options: BackendDriverOptions): BackendDrivers {
  const opened: OpenBackend[] = [];
  const drivers = new Map<BackendDriverName, RecoveryDriver>();
  let config: Promise<CloudConfig> | undefined;
  const session = async (name: BackendDriverName): Promise<BackendSession> => {
    config ??= options.config();
    const backend = openBackend(name, await config, options);
    opened.push(backend);
    return backend.session;
  };
  const open = async (name: BackendDriverName): Promise<RecoveryDriver> => {
    const backend = await session(name);
    if (name === "masakari") return new MasakariDriver(createMasakariApi(backend));
    return new MistralDriver(createMistralApi(backend), { novaUrl: () => backend.serviceEndpoint("compute") });
  };
  return {
    driverFor(name) {
      const known = drivers.get(name) ?? new LazyDriver(name, () => open(name));
      drivers.set(name, known);
      return known;
    },
    close: () => opened.forEach((backend) => backend.close()),
  };
}
