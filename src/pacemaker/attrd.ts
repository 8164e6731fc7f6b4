// attrd_updater, the way the peers call it: private values of the `evacuate` attribute per Nova host.
import { AgentError } from "../kit/agent-error.js";
import { childEnvironment } from "../kit/child-env.js";
import { EVACUATE_ATTRIBUTE } from "./evacuate-attribute.js";

/** attrd_updater's exit code for "attribute does not exist" (CRM_EX_CONFIG). */
const ATTRIBUTE_DOES_NOT_EXIST = 78;
/** How long one attrd_updater call may take. */
const CALL_TIMEOUT_MS = 15_000;

/** Reads and writes one attrd attribute through attrd_updater. */
export interface AttrdClient {
  /** Every host's value; an attribute nobody set yet is an empty map. */
  queryAll(): Promise<Map<string, string>>;
  /** One host's value ("" when unset); an attrd failure throws, it is never read as "done". */
  query(host: string): Promise<string>;
  /** Sets one host's value (private: attrd memory only, as the peers do). */
  update(host: string, value: string): Promise<void>;
}

/** Parses `--output-as=xml` query output into host → value. */
export function parseAttrdXml(xml: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const match of xml.matchAll(/<attribute\b([^>]*)\/?>/g)) {
    const attributes = new Map([...(match[1] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1] as string, decode(pair[2] as string)]));
    const host = attributes.get("host");
    if (host !== undefined) values.set(host, attributes.get("value") ?? "");
  }
  return values;
}

/** Undoes XML attribute escaping. */
function decode(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

/**
 * The environment without OCF_RESKEY_CRM_meta_on_node. Pacemaker sets it for every resource action, and
 * attrd_updater then takes it as the node even with -A: NovaEvacuate's query of every node would list the
 * controller's own value alone (Pacemaker 2.1.5, seen in the lab).
 */
function withoutTargetNode(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { OCF_RESKEY_CRM_meta_on_node: _node, ...rest } = env;
  return rest;
}

/** The real attrd_updater on PATH (or at `binary`). */
export function attrdUpdater(options: { binary?: string; name?: string } = {}): AttrdClient {
  const binary = options.binary ?? "attrd_updater";
  const name = options.name ?? EVACUATE_ATTRIBUTE;
  const run = async (args: string[], env: NodeJS.ProcessEnv = process.env) => {
    const { execa } = await import("execa");
    const result = await execa(binary, args, { reject: false, timeout: CALL_TIMEOUT_MS, stdin: "ignore", env: childEnvironment(env), extendEnv: false });
    if (result.failed && result.exitCode === undefined) {
      const reason = result.timedOut ? "timed out" : (result.shortMessage ?? "could not run");
      throw new AgentError(result.code === "ENOENT" ? "installed" : "generic", `attrd_updater ${reason}: is Pacemaker running on this node?`);
    }
    return result;
  };
  const fail = (what: string, stderr: string, code: number | undefined, stdout = ""): never => {
    // With --output-as=xml attrd_updater prints its error inside the XML on stdout, not on stderr.
    const xmlError = /<error>([^<]*)<\/error>/.exec(stdout)?.[1];
    const detail = stderr.split("\n").find((line) => line.trim()) ?? (xmlError ? decode(xmlError) : `exit ${code}`);
    throw new AgentError("generic", `attrd_updater could not ${what}: ${detail.replace(/^attrd_updater: /, "")}`);
  };
  return {
    async queryAll() {
      const result = await run(["-n", name, "-Q", "-A", "--output-as=xml"], withoutTargetNode(process.env));
      if (result.exitCode === ATTRIBUTE_DOES_NOT_EXIST) return new Map();
      if (result.exitCode !== 0) fail(`list ${name}`, String(result.stderr), result.exitCode, String(result.stdout));
      return parseAttrdXml(String(result.stdout));
    },
    async query(host) {
      const result = await run(["-p", "-n", name, "-Q", "-N", host, "--output-as=xml"]);
      if (result.exitCode === ATTRIBUTE_DOES_NOT_EXIST) return "";
      if (result.exitCode !== 0) fail(`read ${name} of ${host}`, String(result.stderr), result.exitCode, String(result.stdout));
      return parseAttrdXml(String(result.stdout)).get(host) ?? "";
    },
    async update(host, value) {
      const result = await run(["-p", "-n", name, "-N", host, "-U", value]);
      if (result.exitCode !== 0) fail(`set ${name} of ${host} to ${value}`, String(result.stderr), result.exitCode);
    },
  };
}
