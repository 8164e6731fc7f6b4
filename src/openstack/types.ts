// The OpenStack data shapes the agents read, normalised from Nova, Glance and Keystone answers.

/** Where and how to authenticate; built from agent parameters, OS_* variables or clouds.yaml. */
export interface CloudConfig {
  authUrl: string;
  /** Password auth. */
  username?: string;
  userId?: string;
  password?: string;
  projectName?: string;
  projectId?: string;
  userDomainName?: string;
  userDomainId?: string;
  projectDomainName?: string;
  projectDomainId?: string;
  /** Application credential auth (takes precedence when set). */
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret?: string;
  regionName?: string;
  /** Endpoint interface: public, internal or admin ("publicURL" style is accepted and normalised). */
  interface: "public" | "internal" | "admin";
  /** Path of a PEM CA bundle to trust. */
  caBundle?: string;
  /** true disables TLS verification. */
  insecure: boolean;
  connectTimeoutMs: number;
  readTimeoutMs: number;
}

/** A nova-compute service record (GET /os-services). */
export interface ComputeService {
  /** UUID from microversion 2.53, integer id (as a string) before. */
  id: string;
  host: string;
  binary: string;
  zone?: string;
  status: "enabled" | "disabled";
  state: "up" | "down";
  forcedDown: boolean;
  disabledReason: string | null;
  updatedAt: string | null;
}

/** A server as read from GET /servers/detail or GET /servers/{id}. */
export interface Server {
  id: string;
  name: string;
  /** ACTIVE, SHUTOFF, ERROR, PAUSED, SUSPENDED, REBUILD, ... */
  status: string;
  vmState: string | null;
  taskState: string | null;
  powerState: number | null;
  host: string | null;
  tenantId: string;
  /** Flavor id before 2.47; undefined after (the flavor is embedded). */
  flavorId?: string;
  /** Embedded flavor extra specs from 2.47: a copy taken when the server was built or resized. */
  flavorExtraSpecs?: Record<string, string>;
  /** Embedded flavor name (original_name) from 2.47; names the flavor where the id no longer does. */
  flavorName?: string;
  /** Image id, or null for a boot-from-volume server. */
  imageId: string | null;
  metadata: Record<string, string>;
  created: string;
  updated: string;
}

/** A migration record of type evacuation (GET /os-migrations). */
export interface Migration {
  id: string;
  instanceUuid: string;
  /** accepted, pre-migrating, migrating, done, completed, failed, error, cancelled, ... */
  status: string;
  sourceCompute: string | null;
  destCompute: string | null;
  migrationType: string;
  createdAt: string;
  updatedAt: string | null;
}

/** A flavor with its extra specs. */
export interface Flavor {
  id: string;
  name: string;
  extraSpecs: Record<string, string>;
}

/** A Glance image, as far as selection needs it. */
export interface Image {
  id: string;
  tags: string[];
  properties: Record<string, unknown>;
}

/** Options of one evacuate request. */
export interface EvacuateOptions {
  /** Only sent below microversion 2.14, where Nova still asks. */
  onSharedStorage?: boolean;
}
