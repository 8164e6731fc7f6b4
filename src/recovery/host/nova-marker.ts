// The durable half of a host's recovery state: the text of our marker in its nova-compute service's disabled_reason.
// What a marker means, and which marker to write when, is host-recovery-state.ts's.

/** Prefix of every reason we write; a reason without it belongs to somebody else. */
export const MARKER_PREFIX = "nova-ha:";

/** Recovery phases recorded in Nova. */
export type MarkerPhase = "fenced" | "evacuating" | "evacuated";

/** What a service's disabled_reason says about recovery. */
export type NovaMarker =
  | { readonly kind: "none" } // no reason at all
  | { readonly kind: "foreign"; readonly reason: string } // disabled by someone else, for their reason
  | { readonly kind: "ours"; readonly phase: MarkerPhase; readonly fields: Readonly<Record<string, string>> };

/** Reads a disabled_reason. */
export function parseNovaMarker(reason: string | null | undefined): NovaMarker {
  const text = (reason ?? "").trim();
  if (text === "") return { kind: "none" };
  const match = /^nova-ha:(fenced|evacuating|evacuated)\b\s*(.*)$/.exec(text);
  if (!match) return { kind: "foreign", reason: text };
  const fields: Record<string, string> = {};
  for (const pair of (match[2] ?? "").matchAll(/(\w+)=(\S+)/g)) fields[pair[1] as string] = pair[2] as string;
  return { kind: "ours", phase: match[1] as MarkerPhase, fields };
}

/** Writes a marker: "nova-ha:<phase> at=<iso> key=value ..." (Nova allows 255 characters). */
export function formatNovaMarker(phase: MarkerPhase, now: Date, fields: Record<string, string | number> = {}): string {
  const extra = Object.entries(fields).map(([key, value]) => ` ${key}=${String(value).replace(/\s+/g, "_")}`).join("");
  return `${MARKER_PREFIX}${phase} at=${now.toISOString()}${extra}`.slice(0, 255);
}
