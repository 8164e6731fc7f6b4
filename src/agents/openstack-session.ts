// Turns agent parameters into an authenticated OpenStack session, with secrets kept out of argv and logs.
// The HTTP client, YAML and execa are imported lazily: meta-data, usage and probes never pay for loading them.
import { AgentError, toAgentError } from "../kit/agent-error.js";
import { childEnvironment } from "../kit/child-env.js";
import { registerSecrets, type Logger } from "../kit/logger.js";
import { given, typedParams, type ParamValues } from "../kit/params.js";
import type { OpenStack } from "../openstack/api.js";
import type { CloudConfig } from "../openstack/types.js";
import { FENCE_OPENSTACK_OPTIONS } from "./openstack-options.js";

/** The longest password_script may run. */
const PASSWORD_SCRIPT_TIMEOUT_MS = 30_000;

/** Runs password_script (the fencing library's way to keep the password out of the device configuration), within the deadline. */
async function passwordFromScript(script: string, deadline: number): Promise<string> {
  const { execa } = await import("execa");
  const timeout = Math.max(1, Math.min(PASSWORD_SCRIPT_TIMEOUT_MS, deadline - Date.now()));
  const result = await execa("/bin/sh", ["-c", script], { reject: false, timeout, stdin: "ignore", env: childEnvironment(), extendEnv: false });
  if (result.exitCode !== 0) throw new AgentError("configured", `password_script failed (exit ${result.exitCode ?? "?"}): check the script`);
  const password = String(result.stdout).replace(/\s+$/, "");
  registerSecrets([password]);
  return password;
}

/** Resolves the cloud configuration from parameters, OS_* variables and clouds.yaml. */
export async function cloudConfigFromParams(values: ParamValues, env: NodeJS.ProcessEnv, deadline = Infinity): Promise<CloudConfig> {
  // Both spellings of the connection options share these names; the OCF one has no password_script (undefined).
  const params = typedParams(FENCE_OPENSTACK_OPTIONS, values);
  const script = given(params.password_script);
  const password = given(params.password) ?? (script ? await passwordFromScript(script, deadline) : undefined);
  const { resolveCloudConfig } = await import("../openstack/cloud-config.js");
  try {
    return resolveCloudConfig({
      env,
      explicit: {
        cloud: given(params.cloud),
        authUrl: given(params.auth_url),
        username: given(params.username),
        password,
        projectName: given(params.tenant_name),
        userDomainName: given(params.user_domain),
        projectDomainName: given(params.project_domain),
        regionName: given(params.region_name),
        interface: given(params.endpoint_type),
        caBundle: given(params.ca_bundle),
        insecure: params.insecure ? true : undefined,
        applicationCredentialId: given(params.application_credential_id),
        applicationCredentialSecret: given(params.application_credential_secret),
        connectTimeoutMs: params.connect_timeout * 1000,
        readTimeoutMs: params.read_timeout * 1000,
      },
    });
  } catch (error) {
    // A parameter error is "configured" (6); a clouds.yaml or CA bundle missing on this node is a passing one (1).
    throw toAgentError(error);
  }
}

/** How openStackFromParams connects: where from, and within which bounds. */
export interface SessionOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  /** Token cache file; later processes reuse the token. */
  readonly tokenCachePath?: string;
  /** Epoch ms by which the operation must be over: every request, retry and backoff gets at most what is left (agents always give it). */
  readonly deadline?: number;
  /** The operation's abort signal (SIGTERM): stops requests in flight. */
  readonly signal?: AbortSignal;
}

/** Connects with the agent's parameters, bounded by the operation's deadline and signal. */
export async function openStackFromParams(params: ParamValues, options: SessionOptions): Promise<OpenStack> {
  const config = await cloudConfigFromParams(params, options.env, options.deadline);
  registerSecrets([config.password, config.applicationCredentialSecret].filter((value): value is string => Boolean(value)));
  const { connectOpenStack } = await import("../openstack/connect.js");
  return connectOpenStack(config, {
    logger: options.log, tokenCachePath: options.tokenCachePath, userAgent: "nova-ha-agents",
    deadline: options.deadline !== undefined && Number.isFinite(options.deadline) ? options.deadline : undefined, signal: options.signal,
  });
}
