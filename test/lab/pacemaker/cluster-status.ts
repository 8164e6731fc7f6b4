// Reading the cluster: crm_mon XML, attrd values, the fencer's log lines and stonith_admin's history (parsing kept pure).

/** A node as crm_mon reports it. */
export interface MonNode {
  readonly name: string;
  readonly type: string;
  readonly online: boolean;
  readonly unclean: boolean;
}

/** A resource (or one clone instance) as crm_mon reports it. */
export interface MonResource {
  readonly id: string;
  /** The clone it belongs to, if any. */
  readonly clone?: string;
  readonly agent: string;
  readonly role: string;
  /** Set while an action runs (e.g. "Starting"). */
  readonly pending?: string;
  readonly failed: boolean;
  readonly disabled: boolean;
  /** Where it runs. */
  readonly nodes: readonly string[];
}

/** One failed action from crm_mon's failures section. */
export interface MonFailure {
  readonly opKey: string;
  readonly node: string;
  readonly exitReason: string;
  readonly status: string;
}

/** The cluster as one `crm_mon -1 --output-as=xml` saw it. */
export interface ClusterStatus {
  readonly dc: string;
  readonly nodes: readonly MonNode[];
  readonly resources: readonly MonResource[];
  readonly failures: readonly MonFailure[];
}

/** Undoes XML attribute escaping. */
function unescape(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** The attributes of one start tag. */
function attributesOf(text: string): Map<string, string> {
  return new Map([...text.matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1] as string, unescape(m[2] as string)]));
}

/** Parses crm_mon's XML (well-formed, shallow) with a tag scanner: nodes, resources with their clone and nodes, failures. */
export function parseCrmMon(xml: string): ClusterStatus {
  const stack: string[] = [];
  const nodes: MonNode[] = [];
  const resources: (MonResource & { nodes: string[] })[] = [];
  const failures: MonFailure[] = [];
  let dc = "";
  let clone: string | undefined;
  for (const match of xml.matchAll(/<(\/?)([\w-]+)([^>]*?)(\/?)>/g)) {
    const [, closing, tag = "", rest = "", selfClosing] = match;
    if (closing) {
      stack.pop();
      if (tag === "clone") clone = undefined;
      continue;
    }
    const attrs = attributesOf(rest);
    const parent = stack[stack.length - 1];
    const flag = (name: string): boolean => attrs.get(name) === "true";
    if (tag === "current_dc") dc = attrs.get("name") ?? "";
    else if (tag === "node" && parent === "nodes") {
      nodes.push({ name: attrs.get("name") ?? "", type: attrs.get("type") ?? "", online: flag("online"), unclean: flag("unclean") });
    } else if (tag === "clone" && parent === "resources") clone = attrs.get("id");
    else if (tag === "resource" && (parent === "resources" || parent === "clone")) {
      resources.push({
        id: attrs.get("id") ?? "",
        ...(clone ? { clone } : {}),
        agent: attrs.get("resource_agent") ?? "",
        role: attrs.get("role") ?? "",
        ...(attrs.has("pending") ? { pending: attrs.get("pending") } : {}),
        failed: flag("failed"),
        disabled: attrs.get("target_role")?.toLowerCase() === "stopped",
        nodes: [],
      });
    } else if (tag === "node" && parent === "resource") resources[resources.length - 1]?.nodes.push(attrs.get("name") ?? "");
    else if (tag === "failure") {
      failures.push({ opKey: attrs.get("op_key") ?? "", node: attrs.get("node") ?? "", exitReason: attrs.get("exitreason") ?? "", status: attrs.get("status") ?? "" });
    }
    if (!selfClosing && !rest.endsWith("/")) stack.push(tag);
  }
  return { dc, nodes, resources, failures };
}

/** The instances of a resource (a primitive, or every instance of a clone's primitive). */
export function resourceInstances(status: ClusterStatus, id: string): MonResource[] {
  return status.resources.filter((r) => r.id === id || r.clone === id);
}

/**
 * True when a resource (or a clone instance) runs on `node`, nothing is pending for it, and the node is online and
 * clean (crm_mon keeps listing a fenced node's resources as Started on it until they are known stopped).
 */
export function startedOn(status: ClusterStatus, id: string, node: string): boolean {
  const host = status.nodes.find((n) => n.name === node);
  if (host && (!host.online || host.unclean)) return false;
  return resourceInstances(status, id).some((r) => r.role === "Started" && !r.pending && !r.failed && r.nodes.includes(node));
}

/** True when a remote node is online with its connection resource started (crm_mon alone flickers during reconnects). */
export function remoteOnline(status: ClusterStatus, node: string): boolean {
  const entry = status.nodes.find((n) => n.name === node);
  return Boolean(entry?.online && !entry.unclean) && startedOn(status, node, status.dc);
}

/** Parses `attrd_updater -n NAME -Q -A` output (name="…" host="…" value="…" lines) into host → value. */
export function parseAttrdLines(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const attrs = attributesOf(line);
    const host = attrs.get("host");
    if (host !== undefined) values.set(host, attrs.get("value") ?? "");
  }
  return values;
}

/** One fencing operation of one device, from the fencer's log lines. */
export interface DeviceOperation {
  readonly action: string;
  readonly target: string;
  readonly device: string;
  /** When the fencer asked for it (ms since epoch), if the request line was seen. */
  readonly requestedAt?: number;
  /** When it returned, if it did. */
  readonly finishedAt?: number;
  readonly rc?: number;
}

/** Months of syslog-style time stamps. */
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Nov 21 06:13:00.328" (UTC, as the lab runs) → ms since epoch, in the year of `now`. */
export function parseLogTime(stamp: string, now = new Date()): number | undefined {
  const m = /^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?/.exec(stamp);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1] ?? "");
  if (month < 0) return undefined;
  const ms = Number((m[6] ?? "0").padEnd(3, "0").slice(0, 3));
  return Date.UTC(now.getUTCFullYear(), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), ms);
}

/**
 * Device-level fencing operations from pacemaker.log lines, in the order they were requested:
 * "Requesting that vm perform 'off' action targeting compute-1 using power-compute-1" and
 * "Operation 'off' [123] targeting compute-1 using power-compute-1 returned 0".
 */
export function parseFencerLog(text: string, now = new Date()): DeviceOperation[] {
  const operations: (DeviceOperation & { open: boolean })[] = [];
  for (const line of text.split("\n")) {
    const at = parseLogTime(line, now);
    const requested = /perform '(\w+)' action targeting (\S+) using (\S+)/.exec(line);
    if (requested) {
      operations.push({ action: requested[1] ?? "", target: requested[2] ?? "", device: requested[3] ?? "", requestedAt: at, open: true });
      continue;
    }
    const done = /Operation '(\w+)' \[\d+\] targeting (\S+) using (\S+) returned (-?\d+)/.exec(line);
    if (!done) continue;
    const [, action = "", target = "", device = "", rc = ""] = done;
    const index = operations.findIndex((op) => op.open && op.action === action && op.target === target && op.device === device);
    const finished = { action, target, device, finishedAt: at, rc: Number(rc), open: false };
    if (index >= 0) operations[index] = { ...operations[index], ...finished };
    else operations.push(finished);
  }
  return operations.map(({ open: _open, ...op }) => op);
}

/** One entry of `stonith_admin --history <node> --verbose`. */
export interface FenceHistoryEntry {
  /** off, on (unfencing), reboot. */
  readonly action: string;
  readonly target: string;
  readonly state: string;
  readonly completedAt?: number;
}

/** Parses `stonith_admin --history NODE --verbose` ("turning off of compute-1 successful: … completed='2026-11-21 06:13:00Z'"). */
export function parseFenceHistory(text: string): FenceHistoryEntry[] {
  const actions: Record<string, string> = { "turning off": "off", unfencing: "on", reboot: "reboot", "turning on": "on" };
  const entries: FenceHistoryEntry[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*(turning off|turning on|unfencing|reboot) of (\S+) (successful|failed|pending)/.exec(line);
    if (!m) continue;
    const completed = /completed='([^']+)'/.exec(line)?.[1];
    const completedAt = completed ? Date.parse(completed.replace(" ", "T").replace(/Z?$/, "Z")) : undefined;
    entries.push({ action: actions[m[1] ?? ""] ?? m[1] ?? "", target: m[2] ?? "", state: m[3] ?? "", ...(completedAt !== undefined ? { completedAt } : {}) });
  }
  return entries;
}

/** One value attrd set, from its log: what the attribute held before and what it holds after. */
export interface AttrdWrite {
  /** When attrd logged it (ms since epoch). */
  readonly at: number | undefined;
  /** The value before; undefined when the attribute was unset (a new write, or the first after a purge). */
  readonly from: string | undefined;
  /** The value after; "" when the write removed it. */
  readonly to: string;
}

/**
 * Every value attrd set for `name` on `node`, in log order, from pacemaker.log lines such as
 * "Setting evacuate[compute-1]: yes -> vm@1795259512 | from vm with no write delay" (2.1) or
 * "Setting evacuate[compute-1] in instance_attributes: yes -> …" (3.0). Unlike polling attrd_updater,
 * this misses no value, however short-lived (a write that a reconnect's purge removes 30 ms later).
 */
export function parseAttrdWrites(text: string, name: string, node: string, now = new Date()): AttrdWrite[] {
  const prefix = `Setting ${name}[${node}]`;
  return text.split("\n").flatMap((line) => {
    const start = line.indexOf(prefix);
    if (start < 0) return [];
    const m = /^(?: in \S+)?: (\S+) -> (\S*)/.exec(line.slice(start + prefix.length));
    if (!m) return [];
    const from = m[1] === "(unset)" ? undefined : m[1];
    return [{ at: parseLogTime(line, now), from, to: m[2] === "(unset)" ? "" : (m[2] ?? "") }];
  });
}
