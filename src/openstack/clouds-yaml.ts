// clouds.yaml (+ secure.yaml) lookup and loading, following the openstack CLI's search order.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { parse } from "yaml";
import { oneLine } from "../kit/agent-error.js";
import { echo } from "../kit/echo.js";
import { OpenStackError } from "./errors.js";

/** An error about the clouds.yaml files of this node: their presence and content may differ between nodes and over time. */
function fileError(what: string, hint: string): OpenStackError {
  return new OpenStackError({ kind: "environment", what, hint });
}

/** One cloud entry of clouds.yaml, after secure.yaml was merged in. */
export type CloudEntry = Record<string, unknown>;

/** File names the CLI accepts in each configuration directory, in order. */
const CLOUDS_NAMES = ["clouds.yaml", "clouds.yml", "clouds.json"];
const SECURE_NAMES = ["secure.yaml", "secure.yml", "secure.json"];

/** The directories searched, in order: current directory, user, site. */
function configDirs(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? homedir();
  const xdg = env.XDG_CONFIG_HOME ?? join(home, ".config");
  return [process.cwd(), join(xdg, "openstack"), "/etc/openstack"];
}

/** The clouds.yaml candidates, in order: OS_CLIENT_CONFIG_FILE, ./, ~/.config/openstack/, /etc/openstack/. */
export function defaultCloudsYamlPaths(env: NodeJS.ProcessEnv): string[] {
  const dirs = configDirs(env);
  const paths = dirs.flatMap((dir) => CLOUDS_NAMES.map((name) => join(dir, name)));
  return env.OS_CLIENT_CONFIG_FILE ? [env.OS_CLIENT_CONFIG_FILE, ...paths] : paths;
}

/** The secure.yaml candidates matching a list of clouds.yaml candidates. */
function secureYamlPaths(cloudsPaths: string[], env: NodeJS.ProcessEnv): string[] {
  const siblings = cloudsPaths.flatMap((path) => {
    const name = basename(path);
    if (!CLOUDS_NAMES.includes(name)) return [];
    return SECURE_NAMES.map((secure) => join(dirname(path), secure));
  });
  const unique = [...new Set(siblings)];
  return env.OS_CLIENT_SECURE_FILE ? [env.OS_CLIENT_SECURE_FILE, ...unique] : unique;
}

/** Reads the cloud named `cloud` from the first existing clouds.yaml, merged with the first secure.yaml. */
export function loadCloudEntry(cloud: string, env: NodeJS.ProcessEnv, cloudsYamlPaths?: string[]): CloudEntry {
  const candidates = cloudsYamlPaths ?? defaultCloudsYamlPaths(env);
  const cloudsPath = candidates.find((path) => existsSync(path));
  if (!cloudsPath) {
    throw fileError(`cloud ${echo(cloud)} was asked for but no clouds.yaml exists on this node (looked in ${candidates.join(", ")})`,
      "create clouds.yaml or set OS_CLIENT_CONFIG_FILE");
  }
  const clouds = readClouds(cloudsPath);
  const securePath = secureYamlPaths(candidates, env).find((path) => existsSync(path));
  const secure = securePath ? readClouds(securePath) : {};
  const entry = clouds[cloud];
  if (!isRecord(entry)) {
    const known = Object.keys(clouds).join(", ") || "none";
    throw fileError(`cloud ${echo(cloud)} is not in ${cloudsPath} (clouds there: ${known})`, "check the cloud name");
  }
  const secret = secure[cloud];
  return isRecord(secret) ? deepMerge(entry, secret) : entry;
}

function readClouds(path: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw fileError(`cannot read ${path}: ${oneLine(error)}`, "fix the YAML syntax");
  }
  if (doc === null || doc === undefined) return {};
  if (!isRecord(doc) || (doc.clouds !== undefined && !isRecord(doc.clouds))) {
    throw fileError(`${path} has no "clouds:" mapping`, "see the openstacksdk clouds.yaml format");
  }
  return (doc.clouds as Record<string, unknown> | undefined) ?? {};
}

/** Merges `over` into `base`, recursing into mappings (how secure.yaml completes clouds.yaml). */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isRecord(current) && isRecord(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/** True for a plain mapping. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
