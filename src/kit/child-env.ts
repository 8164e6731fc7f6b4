// The environment every child process starts with: ours, minus every variable that carries a secret.
import { holdsSecret } from "./logger.js";

/**
 * Names that carry secrets: the OCF copies of secret parameters, OpenStack's OS_PASSWORD, OS_TOKEN,
 * OS_APPLICATION_CREDENTIAL_SECRET, and anything named like a password, secret, token, credential or private key.
 */
const SECRET_NAME = /PASSW(OR)?D|SECRET|TOKEN|CREDENTIAL|PRIVATE_?KEY|API_?KEY/i;

/** True when a variable must not reach a child: a secret's name, or a value that holds a registered secret. */
export function isSecretVariable(name: string, value: string | undefined): boolean {
  return SECRET_NAME.test(name) || (value !== undefined && holdsSecret(value));
}

/** A copy of `env` (default: ours) without secrets, for every process we spawn (give it with extendEnv: false). */
export function childEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name, value]) => !isSecretVariable(name, value)));
}
