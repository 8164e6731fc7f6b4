// The attrd `evacuate` attribute protocol shared with the Python/shell agents: yes → <node>@<epoch> → no.

/** The attribute's name. */
export const EVACUATE_ATTRIBUTE = "evacuate";

/** What one host's value says. */
export type EvacuateFlag =
  | { readonly kind: "clear" } // absent, "" or "no": nothing to do
  | { readonly kind: "requested" } // "yes": fenced, evacuation required
  | { readonly kind: "in-progress"; readonly by: string; readonly sinceEpoch: number } // "<node>@<epoch>"
  | { readonly kind: "unknown"; readonly value: string }; // anything else

/** Reads one value of the attribute. */
export function parseEvacuateFlag(value: string | undefined): EvacuateFlag {
  const text = (value ?? "").trim();
  if (text === "" || text === "no") return { kind: "clear" };
  if (text === "yes") return { kind: "requested" };
  const marker = /^(.+)@(\d+)$/.exec(text);
  if (marker) return { kind: "in-progress", by: marker[1] as string, sinceEpoch: Number(marker[2]) };
  return { kind: "unknown", value: text };
}

/** The value NovaEvacuate writes while it works on a host. */
export function inProgressValue(node: string, now: Date): string {
  return `${node}@${Math.floor(now.getTime() / 1000)}`;
}
