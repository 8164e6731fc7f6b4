// The in-memory records of the simulated cloud (Nova DB rows, Glance images) and its tunable settings.

/** Runtime settings; every field can be changed while the simulator runs. */
export interface SimConfig {
  maxMicroversion: string;
  tokenTtlSeconds: number;
  /** Nova [api] max_limit: default and maximum page size. */
  maxLimit: number;
  evacuateLatencyMs: number;
  evacuateJitterMs: number;
  /** Nova service_down_time. */
  serviceDownTimeSeconds: number;
  /** Nova report_interval: how often a live nova-compute heartbeats. */
  reportIntervalSeconds: number;
  /** How long disabling a dead-but-not-yet-down compute blocks (Nova's set_host_enabled RPC timeout). */
  rpcTimeoutMs: number;
  /** Glance limit_param_default. */
  glanceDefaultLimit: number;
  /** Glance api_limit_max. */
  glanceMaxLimit: number;
  /** Refuse evacuating a server whose task_state is set (409), as Nova did before Zed; Zed and later accept it. */
  evacuateChecksTaskState: boolean;
  /** While true, accepted rebuilds stop just before they land (task_state rebuild_spawning) and wait to be released. */
  evacuateHold: boolean;
  /**
   * Store created_at / updated_at (servers, migrations, services, faults) in whole seconds, as Nova on MariaDB does
   * (DATETIME columns, fraction truncated). Default true; false keeps milliseconds.
   */
  wholeSecondTimestamps: boolean;
  /** Artificial delay added to every response of a service (identity, compute, image). */
  responseDelayMs: Record<string, number>;
  /** Delay before answering a route ("GET /compute/v2.1/servers/detail"); takes precedence over responseDelayMs. */
  routeDelayMs: Record<string, number>;
  /**
   * Hosts the scheduler never picks as a destination (host → true), as when no flavor maps to their aggregate; they
   * keep running their own servers. Lets a test fail two hosts without rebuilds of the first landing on the second.
   */
  unschedulable: Record<string, boolean>;
}

/** A Keystone user (always holding the admin, member and reader roles on its project). */
export interface SimUser {
  name: string;
  password: string;
  project: string;
  domain?: string;
}

/** A Keystone application credential. */
export interface SimAppCredential {
  id: string;
  name: string;
  secret: string;
  /** Name of the owning user. */
  user: string;
}

/** A compute node: the machine, its nova-compute process and its heartbeat source. */
export interface SimHost {
  name: string;
  ip: string;
  /** The nova-compute process runs (false after killHost). */
  alive: boolean;
  /** Only POST /_sim/heartbeat/{host} heartbeats this host. */
  externalHeartbeat: boolean;
  /** When the process (re)started; periodic heartbeats are aligned to it. */
  bootedAt: number;
  /** Last heartbeat posted by an external process. */
  lastExternalBeat?: number;
  /** Max servers (including claims in flight); undefined = unbounded. */
  capacity?: number;
}

/** A row of the Nova services table. */
export interface SimService {
  id: number;
  uuid: string;
  host: string;
  binary: string;
  zone: string;
  disabled: boolean;
  disabledReason: string | null;
  /** Every disabled_reason written through the API, oldest first (tests: markers that lived only briefly). */
  reasonHistory?: string[];
  forcedDown: boolean;
  createdAt: number;
  /** Last save for a reason other than a heartbeat. */
  modifiedAt: number;
  /** Last heartbeat recorded in the row (frozen heartbeat of a dead process). */
  lastSeenUp?: number;
}

/** A server fault, shown while the server is in ERROR. */
export interface SimFault {
  code: number;
  message: string;
  details: string;
  createdAt: number;
}

/** A row of the Nova instances table. */
export interface SimServer {
  uuid: string;
  /** Creation order; Nova lists newest first. */
  seq: number;
  name: string;
  projectId: string;
  userId: string;
  host: string | null;
  node: string | null;
  vmState: string;
  taskState: string | null;
  powerState: number;
  flavorId: string;
  /** null for a boot-from-volume server. */
  imageId: string | null;
  volumeIds: string[];
  metadata: Record<string, string>;
  tags: string[];
  zone: string;
  createdAt: number;
  updatedAt: number;
  launchedAt: number;
  fault?: SimFault;
  deleted: boolean;
}

/** A row of the Nova migrations table. */
export interface SimMigration {
  id: number;
  uuid: string;
  instanceUuid: string;
  sourceCompute: string;
  sourceNode: string | null;
  destCompute: string | null;
  destNode: string | null;
  destHost: string | null;
  status: string;
  migrationType: string;
  projectId: string;
  userId: string;
  createdAt: number;
  updatedAt: number | null;
}

/** A Nova flavor. */
export interface SimFlavor {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  ephemeral: number;
  swap: number;
  rxtxFactor: number;
  isPublic: boolean;
  disabled: boolean;
  description: string | null;
  extraSpecs: Record<string, string>;
}

/** A Glance image. */
export interface SimImage {
  id: string;
  /** Creation order; Glance lists newest first. */
  seq: number;
  name: string;
  tags: string[];
  visibility: string;
  owner: string;
  properties: Record<string, string>;
  createdAt: number;
}

/** Nova power_state values. */
export const POWER_STATE = { NOSTATE: 0, RUNNING: 1, PAUSED: 3, SHUTDOWN: 4, CRASHED: 6, SUSPENDED: 7 } as const;

/** vm_state → power_state a seeded or landed server gets. */
export const POWER_FOR_VM_STATE: Record<string, number> = {
  active: POWER_STATE.RUNNING,
  stopped: POWER_STATE.SHUTDOWN,
  paused: POWER_STATE.PAUSED,
  suspended: POWER_STATE.SUSPENDED,
  error: POWER_STATE.NOSTATE,
  rescued: POWER_STATE.RUNNING,
  shelved: POWER_STATE.SHUTDOWN,
};
