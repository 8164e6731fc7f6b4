// The side-effect half of a look at Nova: gathers what planHost needs, with as few requests as possible.
import type { Logger } from "../kit/logger.js";
import type { OpenStack } from "../openstack/api.js";
import type { Server } from "../openstack/types.js";
import type { EvacuableTags } from "./evacuable.js";
import type { HostSnapshot } from "./plan-host.js";

/** A host to recover, with when it failed and when its first evacuation may go out. */
export interface RecoveryTarget {
  readonly host: string;
  readonly since: Date;
  readonly notBefore: number;
}

/** Reads which flavors and images are tagged; a cloud without Glance just has no tagged images. */
export async function readEvacuableTags(openstack: OpenStack, tag: string, log: Logger): Promise<EvacuableTags> {
  const flavors = await openstack.compute.listFlavors();
  const tagged = flavors.filter((flavor) => /^(1|true|yes|on)$/i.test((flavor.extraSpecs[tag] ?? "").trim()));
  let imageIds = new Set<string>();
  try {
    imageIds = new Set((await openstack.image.listImagesWithTag(tag)).map((image) => image.id));
  } catch (error) {
    log.warn({ err: error instanceof Error ? error.message : String(error) }, "could not list tagged images; selecting by flavor and instance metadata only");
  }
  return { flavorIds: new Set(tagged.map((flavor) => flavor.id)), flavorNames: new Set(tagged.map((flavor) => flavor.name)), imageIds };
}

/** Takes one snapshot of every target: servers still there, evacuations since the failure, and where moved servers are now. */
export async function takeSnapshots(
  openstack: OpenStack,
  targets: readonly RecoveryTarget[],
  tags: EvacuableTags,
): Promise<HostSnapshot[]> {
  const perHost = await Promise.all(
    targets.map(async (target) => {
      const [onHost, evacuations] = await Promise.all([
        openstack.compute.listServersOnHost(target.host),
        openstack.compute.listEvacuations({ sourceCompute: target.host, changesSince: target.since.toISOString() }),
      ]);
      return { target, onHost, evacuations };
    }),
  );
  const moved = perHost.some(({ onHost, evacuations }) => {
    const here = new Set(onHost.map((server) => server.id));
    return evacuations.some((migration) => !here.has(migration.instanceUuid));
  });
  const changed = new Map<string, Server>();
  if (moved) {
    const earliest = new Date(Math.min(...targets.map((target) => target.since.getTime())));
    for (const server of await openstack.compute.listServersChangedSince(earliest.toISOString())) changed.set(server.id, server);
  }
  return perHost.map(({ target, onHost, evacuations }) => ({
    host: target.host, since: target.since, notBefore: target.notBefore, onHost, evacuations, changed, tags,
  }));
}
