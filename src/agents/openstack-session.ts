// Turns agent parameters into an authenticated OpenStack session, with secrets kept out of argv and logs.
// The HTTP client, YAML and execa are imported lazily: meta-data, usage and probes never pay for loading them.
import { AgentError } from "../kit/agent-error.js";
import { childEnvironment } from "../kit/child-env.js";
import { registerSecrets, type Logger } from "../kit/logger.js";
import { numberParam, stringParam, type ParamValues } from "../kit/params.js";
import type { OpenStack } from "../openstack/api.js";
import type { CloudConfig } from "../openstack/types.js";

/** Runs password_script (the fencing library's way to keep the password out of the device configuration). */
async function passwordFromScript(script: string): Promise<string> {
  const { execa } = await import("execa");
  const result = await execa("/bin/sh", ["-c", script], { reject: false, timeout: 30_000, stdin: "ignore", env: childEnvironment(), extendEnv: false });
  if (result.exitCode !== 0) throw new AgentError("configured", `password_script failed (exit ${result.exitCode ?? "?"}): check the script`);
  const password = String(result.stdout).replace(/\s+$/, "");
  registerSecrets([password]);
  return password;
}

/** Resolves the cloud configuration from parameters, OS_* variables and clouds.yaml. */
export async function cloudConfigFromParams(params: ParamValues, env: NodeJS.ProcessEnv): Promise<CloudConfig> {
  const script = stringParam(params, "password_script");
  const password = stringParam(params, "password") ?? (script ? await passwordFromScript(script) : undefined);
  const { resolveCloudConfig } = await import("../openstack/cloud-config.js");
  try {
    return resolveCloudConfig({
      env,
      explicit: {
        cloud: stringParam(params, "cloud"),
        authUrl: stringParam(params, "auth_url"),
        username: stringParam(params, "username"),
        password,
        projectName: stringParam(params, "tenant_name"),
        userDomainName: stringParam(params, "user_domain"),
        projectDomainName: stringParam(params, "project_domain"),
        regionName: stringParam(params, "region_name"),
        interface: stringParam(params, "endpoint_type"),
        caBundle: stringParam(params, "ca_bundle"),
        insecure: params.insecure === true ? true : undefined,
        applicationCredentialId: stringParam(params, "application_credential_id"),
        applicationCredentialSecret: stringParam(params, "application_credential_secret"),
        connectTimeoutMs: numberParam(params, "connect_timeout", 10) * 1000,
        readTimeoutMs: numberParam(params, "read_timeout", 60) * 1000,
      },
    });
  } catch (error) {
    throw new AgentError("configured", error instanceof Error ? error.message : String(error));
  }
}

/** Connects with the agent's parameters; `tokenCachePath` lets later processes reuse the token. */
export async function openStackFromParams(
  params: ParamValues,
  options: { env: NodeJS.ProcessEnv; log: Logger; tokenCachePath?: string },
): Promise<OpenStack> {
  const config = await cloudConfigFromParams(params, options.env);
  registerSecrets([config.password, config.applicationCredentialSecret].filter((value): value is string => Boolean(value)));
  const { connectOpenStack } = await import("../openstack/connect.js");
  return connectOpenStack(config, { logger: options.log, tokenCachePath: options.tokenCachePath, userAgent: "nova-ha-agents" });
}
