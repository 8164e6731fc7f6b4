// Which instances to evacuate: tagged flavors, tagged images or tagged instances; everything when nothing is tagged.
import { parseBoolean } from "../../kit/boolean.js";
import type { Server } from "../../openstack/types.js";

/** What the cloud says is tagged evacuable. */
export interface EvacuableTags {
  /** Flavor ids whose extra spec `<tag>` is true. */
  readonly flavorIds: ReadonlySet<string>;
  /**
   * Flavor names whose extra spec is true. Servers from 2.47 embed their flavor by name with a copy of its extra specs
   * taken at build time; the name finds the flavor as it is now, so a flavor tagged later counts, as it does for the
   * peers' lookup by flavor id.
   */
  readonly flavorNames: ReadonlySet<string>;
  /** Image ids carrying the tag. */
  readonly imageIds: ReadonlySet<string>;
}

/** The answer for one server. */
export interface Selection {
  readonly selected: boolean;
  readonly reason?: string;
  /** Not known yet: the cloud's tags could not be read, and the server does not carry the tag itself. */
  readonly undecided?: boolean;
}

/** True when a metadata or extra-spec value says yes. */
function isTrue(value: string | undefined): boolean {
  return value !== undefined && parseBoolean(value) === true;
}

/** True when the server itself, its flavor (as built, or as the cloud tags it now) or its image carries the tag. */
export function isTagged(server: Server, tags: EvacuableTags, tag: string): boolean {
  return (
    isTaggedByItself(server, tag) ||
    (server.flavorId !== undefined && tags.flavorIds.has(server.flavorId)) ||
    (server.flavorName !== undefined && tags.flavorNames.has(server.flavorName)) ||
    (server.imageId !== null && tags.imageIds.has(server.imageId))
  );
}

/** What a failure selects: every instance, or the tagged ones only. Decided once, when the host is picked up. */
export type SelectionMode = "all" | "tagged";

/** Every selection mode, as the marker writes them. */
export const SELECTION_MODES: readonly SelectionMode[] = ["all", "tagged"];

/** The mode for these servers: "all" when neither the cloud (flavors, images) nor any of them is tagged. */
export function selectionMode(servers: readonly Server[], tags: EvacuableTags, tag: string): SelectionMode {
  const anythingTagged = tags.flavorIds.size > 0 || tags.imageIds.size > 0 || servers.some((server) => isTagged(server, tags, tag));
  return anythingTagged ? "tagged" : "all";
}

/** True when the server carries the tag itself: its metadata, or the flavor extra specs it was built with. */
function isTaggedByItself(server: Server, tag: string): boolean {
  return isTrue(server.metadata[tag]) || isTrue(server.flavorExtraSpecs?.[tag]);
}

/**
 * Builds the selector for the instances a failure concerns: those on the host when it failed, including those that
 * have left it since (the decision must not change as they leave). With instance filtering off nothing is selected;
 * when neither the cloud (flavors, images) nor any of these servers is tagged, everything is. While the cloud's tags
 * are unknown (`undefined`: Glance or the flavor list could not be read) it fails closed: a server tagged by itself
 * is selected, every other one stays undecided, never selected by default.
 */
export function evacuableSelector(
  servers: readonly Server[],
  tags: EvacuableTags | undefined,
  options: { instanceFiltering: boolean; tag: string; decided?: SelectionMode },
): (server: Server) => Selection {
  if (!options.instanceFiltering) return () => ({ selected: false, reason: "instance_filtering is off" });
  if (options.decided === "all") return () => ({ selected: true });
  if (tags === undefined) {
    return (server) => isTaggedByItself(server, options.tag)
      ? { selected: true }
      : { selected: false, undecided: true, reason: "waiting to read which flavors and images are tagged" };
  }
  if ((options.decided ?? selectionMode(servers, tags, options.tag)) === "all") return () => ({ selected: true });
  return (server) =>
    isTagged(server, tags, options.tag)
      ? { selected: true }
      : { selected: false, reason: `not tagged ${options.tag} (flavor, image or instance metadata)` };
}

/** Evacuation priority: instance metadata or flavor extra spec `evacuation_priority`, higher first; 0 if absent. */
export function evacuationPriority(server: Server): number {
  const raw = server.metadata.evacuation_priority ?? server.flavorExtraSpecs?.evacuation_priority;
  const value = raw === undefined ? 0 : Number(raw);
  return Number.isFinite(value) ? value : 0;
}
