// Which flavors and images the cloud tags evacuable, read once per run and again after a failed read: a selection
// that depends on them waits while they cannot be read, it never widens.
import type { Logger } from "../../kit/logger.js";
import { oneLine } from "../../kit/agent-error.js";
import type { OpenStack } from "../../openstack/api.js";
import { OpenStackError } from "../../openstack/errors.js";
import type { EvacuableTags } from "./evacuable.js";

/** Nothing tagged: the tags when instance filtering is off. */
export const NO_TAGS: EvacuableTags = { flavorIds: new Set(), flavorNames: new Set(), imageIds: new Set() };

/** True for an extra-spec value that says yes. */
function saysYes(value: string | undefined): boolean {
  return /^(1|true|yes|on)$/i.test((value ?? "").trim());
}

/**
 * Reads the tagged flavors and images. A catalog with no image service has no tagged images; any other failure
 * (Glance or Nova down, a timeout, a 5xx) rejects, so the caller can wait instead of selecting without them.
 */
export async function readEvacuableTags(openstack: OpenStack, tag: string): Promise<EvacuableTags> {
  const [flavors, images] = await Promise.all([
    openstack.compute.listFlavors(),
    openstack.image.listImagesWithTag(tag).catch((error: unknown) => {
      if (error instanceof OpenStackError && error.kind === "config") return [];
      throw error;
    }),
  ]);
  const tagged = flavors.filter((flavor) => saysYes(flavor.extraSpecs[tag]));
  return {
    flavorIds: new Set(tagged.map((flavor) => flavor.id)),
    flavorNames: new Set(tagged.map((flavor) => flavor.name)),
    imageIds: new Set(images.map((image) => image.id)),
  };
}

/** The cloud's evacuable tags for one run: read once, read again at the next call after a failure. */
export class EvacuableTagSource {
  private known: EvacuableTags | undefined;
  private reading: Promise<EvacuableTags | undefined> | undefined;

  /** With instance filtering off nothing is read (nothing is selected anyway). */
  constructor(private readonly openstack: OpenStack, private readonly tag: string, private readonly log: Logger, enabled: boolean) {
    if (!enabled) this.known = NO_TAGS;
  }

  /** The tags, or undefined while they cannot be read (logged; the next call tries again). */
  current(): Promise<EvacuableTags | undefined> {
    if (this.known) return Promise.resolve(this.known);
    this.reading ??= readEvacuableTags(this.openstack, this.tag).then(
      (tags) => (this.known = tags),
      (error: unknown) => {
        this.log.warn({ err: oneLine(error) }, "could not read which flavors and images are tagged evacuable; instances not tagged themselves wait");
        return undefined;
      },
    ).finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }
}
