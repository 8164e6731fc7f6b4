// Opens a session to Masakari or Mistral for the nova-ha CLI, with the same credentials as `nova-ha status` (--cloud, OS_*).
import { cloudConfigFromParams } from "../agents/openstack-session.js";
import { registerSecrets, type Logger } from "../kit/logger.js";
import { BackendSession, type BackendService } from "../openstack/backend-session.js";
import { Transport } from "../openstack/http.js";
import { cliCloudParams } from "./cli-cloud-params.js";

/** A back-end session and the transport to close after use. */
export interface BackendConnection {
  readonly session: BackendSession;
  close(): void;
}

/** Connects to a back-end from the CLI's --cloud / --interface options and the environment. */
export async function connectBackend(service: BackendService, options: { cloud?: string; interface?: string }, deps: { env: NodeJS.ProcessEnv; log: Logger }): Promise<BackendConnection> {
  const config = await cloudConfigFromParams(cliCloudParams(options), deps.env);
  registerSecrets([config.password, config.applicationCredentialSecret].filter((value): value is string => Boolean(value)));
  const transport = new Transport({ ...config, logger: deps.log, userAgent: "nova-ha-agents" });
  return { session: new BackendSession(transport, config, service), close: () => transport.close() };
}
