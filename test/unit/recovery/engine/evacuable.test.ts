// Instance selection: tagged flavors, images and instances; everything when nothing is tagged.
import { describe, expect, it } from "vitest";
import type { Server } from "../../../../src/openstack/types.js";
import { evacuableSelector, evacuationPriority, isTagged, type EvacuableTags } from "../../../../src/recovery/engine/evacuable.js";
import { NO_TAGS, server } from "../fixtures.js";

/** Cloud tags with the given flavor ids, image ids and flavor names. */
function tags(flavorIds: string[] = [], imageIds: string[] = [], flavorNames: string[] = []): EvacuableTags {
  return { flavorIds: new Set(flavorIds), flavorNames: new Set(flavorNames), imageIds: new Set(imageIds) };
}

const FILTERING = { instanceFiltering: true, tag: "evacuable" };

describe("isTagged", () => {
  it.each<{ title: string; fields: Partial<Server>; cloud: EvacuableTags; expected: boolean }>([
    { title: "an untagged server", fields: {}, cloud: NO_TAGS, expected: false },
    { title: "a server whose flavor id is tagged", fields: { flavorId: "f-ha" }, cloud: tags(["f-ha"]), expected: true },
    { title: "a server of another flavor", fields: { flavorId: "f-other" }, cloud: tags(["f-ha"]), expected: false },
    { title: "a server whose embedded flavor (2.47+) has the extra spec true", fields: { flavorId: undefined, flavorExtraSpecs: { evacuable: "true" } }, cloud: NO_TAGS, expected: true },
    { title: "a server whose embedded flavor has the extra spec false", fields: { flavorId: undefined, flavorExtraSpecs: { evacuable: "false" } }, cloud: NO_TAGS, expected: false },
    {
      title: "a server built before its flavor was tagged (2.47+: old extra specs, name now tagged)",
      fields: { flavorId: undefined, flavorName: "m1.ha", flavorExtraSpecs: {} }, cloud: tags(["f-ha"], [], ["m1.ha"]), expected: true,
    },
    {
      title: "a server of an untagged flavor name (2.47+)",
      fields: { flavorId: undefined, flavorName: "m1.small", flavorExtraSpecs: {} }, cloud: tags(["f-ha"], [], ["m1.ha"]), expected: false,
    },
    { title: "a server whose image is tagged", fields: { imageId: "img-ha" }, cloud: tags([], ["img-ha"]), expected: true },
    { title: "a server booted from volume (no image) while images are tagged", fields: { imageId: null }, cloud: tags([], ["img-ha"]), expected: false },
    { title: "a server with metadata evacuable=true", fields: { metadata: { evacuable: "true" } }, cloud: NO_TAGS, expected: true },
    { title: "a server with metadata evacuable=yes", fields: { metadata: { evacuable: "yes" } }, cloud: NO_TAGS, expected: true },
    { title: "a server with metadata evacuable=false", fields: { metadata: { evacuable: "false" } }, cloud: NO_TAGS, expected: false },
    { title: "a server with metadata evacuable=maybe", fields: { metadata: { evacuable: "maybe" } }, cloud: NO_TAGS, expected: false },
  ])("says $expected for $title", ({ fields, cloud, expected }) => {
    expect(isTagged(server(fields), cloud, "evacuable")).toBe(expected);
  });

  it("reads the configured tag name, not a fixed one", () => {
    const tagged = server({ metadata: { ha: "1" }, flavorExtraSpecs: { evacuable: "true" } });
    expect(isTagged(tagged, NO_TAGS, "ha")).toBe(true);
    expect(isTagged(server({ metadata: { evacuable: "true" } }), NO_TAGS, "ha")).toBe(false);
  });
});

describe("evacuableSelector", () => {
  const plain = server({ id: "plain" });
  const byMetadata = server({ id: "meta", metadata: { evacuable: "true" } });
  const byFlavor = server({ id: "flavor", flavorId: "f-ha" });
  const byImage = server({ id: "image", imageId: "img-ha" });
  const fromVolume = server({ id: "volume", imageId: null });

  /** The ids a selector picks out of `servers`. */
  function selected(servers: Server[], cloud: EvacuableTags, options = FILTERING): string[] {
    const select = evacuableSelector(servers, cloud, options);
    return servers.filter((item) => select(item).selected).map((item) => item.id);
  }

  it.each<{ title: string; servers: Server[]; cloud: EvacuableTags; expected: string[] }>([
    { title: "everything when nothing is tagged", servers: [plain, fromVolume], cloud: NO_TAGS, expected: ["plain", "volume"] },
    { title: "only tagged flavors when a flavor is tagged", servers: [plain, byFlavor, fromVolume], cloud: tags(["f-ha"]), expected: ["flavor"] },
    { title: "only tagged images when an image is tagged", servers: [plain, byImage, fromVolume], cloud: tags([], ["img-ha"]), expected: ["image"] },
    { title: "only tagged instances when one instance is tagged", servers: [plain, byMetadata, fromVolume], cloud: NO_TAGS, expected: ["meta"] },
    { title: "the union of all three ways", servers: [plain, byMetadata, byFlavor, byImage], cloud: tags(["f-ha"], ["img-ha"]), expected: ["meta", "flavor", "image"] },
    { title: "nothing here when the cloud tags a flavor none of these servers use", servers: [plain, fromVolume], cloud: tags(["f-ha"]), expected: [] },
  ])("selects $title", ({ servers, cloud, expected }) => {
    expect(selected(servers, cloud)).toEqual(expected);
  });

  it("selects nothing, with a reason, when instance_filtering is off", () => {
    const select = evacuableSelector([plain, byMetadata], NO_TAGS, { instanceFiltering: false, tag: "evacuable" });
    expect(select(byMetadata)).toEqual({ selected: false, reason: "instance_filtering is off" });
    expect(select(plain).selected).toBe(false);
  });

  it("gives the reason it left an instance out", () => {
    const select = evacuableSelector([plain, byMetadata], NO_TAGS, FILTERING);
    expect(select(plain)).toEqual({ selected: false, reason: "not tagged evacuable (flavor, image or instance metadata)" });
    expect(select(byMetadata)).toEqual({ selected: true });
  });
});

describe("evacuationPriority", () => {
  it.each<{ title: string; fields: Partial<Server>; expected: number }>([
    { title: "no priority", fields: {}, expected: 0 },
    { title: "instance metadata", fields: { metadata: { evacuation_priority: "5" } }, expected: 5 },
    { title: "flavor extra spec", fields: { flavorExtraSpecs: { evacuation_priority: "3" } }, expected: 3 },
    { title: "both, metadata first", fields: { metadata: { evacuation_priority: "1" }, flavorExtraSpecs: { evacuation_priority: "9" } }, expected: 1 },
    { title: "a negative number", fields: { metadata: { evacuation_priority: "-2" } }, expected: -2 },
    { title: "garbage", fields: { metadata: { evacuation_priority: "high" } }, expected: 0 },
  ])("is $expected with $title", ({ fields, expected }) => {
    expect(evacuationPriority(server(fields))).toBe(expected);
  });
});
