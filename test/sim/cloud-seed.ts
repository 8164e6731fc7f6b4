// Builds a cloud (hosts, services, servers, flavors, images) from a compact description.
import type { SimFlavor, SimHost, SimImage, SimServer, SimService } from "./cloud-model.js";
import { POWER_FOR_VM_STATE } from "./cloud-model.js";
import type { FailureSpec } from "./failures.js";
import type { Prng } from "./prng.js";

/** What to put in the cloud. Every "…Every" field n marks servers whose 1-based index is a multiple of n. */
export interface CloudSeed {
  /** A count (named compute-1 … compute-N) or explicit host names. */
  hosts: number | string[];
  serversPerHost?: number;
  shutoffEvery?: number;
  pausedEvery?: number;
  errorEvery?: number;
  bootFromVolumeEvery?: number;
  /** Hosts heartbeated only through POST /_sim/heartbeat/{host}. */
  externalHeartbeat?: string[];
  /** Adds the private flavor "ha.evacuable" (extra spec evacuable=true). */
  taggedFlavor?: boolean;
  /** Servers using the tagged flavor (default 2 when taggedFlavor). */
  taggedFlavorEvery?: number;
  /** Adds the image "ha-image" tagged "evacuable". */
  taggedImage?: boolean;
  /** Servers booted from the tagged image (default 3 when taggedImage). */
  taggedImageEvery?: number;
  /** More untagged / tagged images, e.g. to exercise Glance paging. */
  extraImages?: number;
  extraTaggedImages?: number;
  /** Projects the servers are spread over (default 2: the first user's project and "demo"). */
  projects?: number;
  /** Instance files on shared storage (decides how onSharedStorage fares). */
  sharedStorage?: boolean;
  /** Max servers per host for the scheduler; unbounded by default. */
  hostCapacity?: number;
  /** Host of the nova-scheduler and nova-conductor services (default "controller"; false: none). */
  controllerHost?: string | false;
  /** Availability zone of the computes (default "nova"). */
  zone?: string;
  failures?: FailureSpec[];
}

/** The records of a freshly seeded cloud. */
export interface SeededCloud {
  hosts: SimHost[];
  services: SimService[];
  servers: SimServer[];
  flavors: SimFlavor[];
  images: SimImage[];
}

/** Identity facts the seed needs. */
export interface SeedContext {
  prng: Prng;
  now: number;
  /** Project ids servers may belong to, with the user that owns them; first one is the admin project. */
  projects: { id: string; userId: string }[];
}

const BASE_FLAVORS: [string, string, number, number, number, Record<string, string>][] = [
  ["1", "m1.tiny", 1, 512, 1, {}],
  ["2", "m1.small", 1, 2048, 20, {}],
  ["3", "m1.medium", 2, 4096, 40, { "hw:cpu_policy": "shared" }],
  ["4", "m1.large", 4, 8192, 80, { "hw:mem_page_size": "any" }],
  ["5", "p1.private", 2, 4096, 40, {}],
];

/** Name of the seeded evacuable flavor and image, and the tag / extra spec they carry. */
export const EVACUABLE = { flavorId: "100", flavorName: "ha.evacuable", imageName: "ha-image", tag: "evacuable" } as const;

function makeFlavor(id: string, name: string, vcpus: number, ram: number, disk: number, extraSpecs: Record<string, string>): SimFlavor {
  const isPublic = !name.startsWith("p1.") && name !== EVACUABLE.flavorName;
  return { id, name, vcpus, ram, disk, ephemeral: 0, swap: 0, rxtxFactor: 1.0, isPublic, disabled: false, description: null, extraSpecs };
}

function hostNames(hosts: number | string[]): string[] {
  if (Array.isArray(hosts)) return [...hosts];
  return Array.from({ length: hosts }, (_, i) => `compute-${i + 1}`);
}

function every(n: number | undefined, index: number): boolean {
  return n !== undefined && n > 0 && index % n === 0;
}

function seedImages(seed: CloudSeed, ctx: SeedContext): SimImage[] {
  const owner = ctx.projects[0]?.id ?? "";
  const images: SimImage[] = [];
  const add = (name: string, tags: string[], properties: Record<string, string> = {}): SimImage => {
    const image = { id: ctx.prng.uuid(), seq: images.length + 1, name, tags, visibility: "public", owner, properties, createdAt: ctx.now - 86_400_000 + images.length * 1000 };
    images.push(image);
    return image;
  };
  add("cirros", [], { hw_disk_bus: "virtio" });
  if (seed.taggedImage) add(EVACUABLE.imageName, [EVACUABLE.tag]);
  for (let i = 1; i <= (seed.extraImages ?? 0); i++) add(`image-${i}`, []);
  for (let i = 1; i <= (seed.extraTaggedImages ?? 0); i++) add(`tagged-image-${i}`, [EVACUABLE.tag, "extra"]);
  return images;
}

function seedServers(seed: CloudSeed, ctx: SeedContext, names: string[], images: SimImage[]): SimServer[] {
  const perHost = seed.serversPerHost ?? 4;
  const total = names.length * perHost;
  const projects = ctx.projects.slice(0, Math.max(1, seed.projects ?? 2));
  const plainImage = images[0]?.id ?? null;
  const taggedImage = images.find((i) => i.name === EVACUABLE.imageName)?.id ?? plainImage;
  const flavorEvery = seed.taggedFlavor ? (seed.taggedFlavorEvery ?? 2) : undefined;
  const imageEvery = seed.taggedImage ? (seed.taggedImageEvery ?? 3) : undefined;
  const servers: SimServer[] = new Array(total);
  let index = 0;
  for (const host of names) {
    for (let k = 0; k < perHost; k++) {
      index++;
      const project = projects[index % projects.length] ?? { id: "", userId: "" };
      const vmState = every(seed.errorEvery, index) ? "error" : every(seed.pausedEvery, index) ? "paused" : every(seed.shutoffEvery, index) ? "stopped" : "active";
      const bfv = every(seed.bootFromVolumeEvery, index);
      const createdAt = ctx.now - (total - index + 1) * 1000;
      servers[index - 1] = {
        uuid: ctx.prng.uuid(),
        seq: index,
        name: `vm-${String(index).padStart(5, "0")}`,
        projectId: project.id,
        userId: project.userId,
        host,
        node: host,
        vmState,
        taskState: null,
        powerState: POWER_FOR_VM_STATE[vmState] ?? 0,
        flavorId: every(flavorEvery, index) ? EVACUABLE.flavorId : index % 2 ? "1" : "2",
        imageId: bfv ? null : every(imageEvery, index) ? taggedImage : plainImage,
        volumeIds: bfv ? [ctx.prng.uuid()] : [],
        metadata: {},
        tags: [],
        zone: seed.zone ?? "nova",
        createdAt,
        updatedAt: createdAt,
        launchedAt: createdAt + 500,
        deleted: false,
      };
    }
  }
  return servers;
}

function seedServices(seed: CloudSeed, ctx: SeedContext, names: string[]): SimService[] {
  const services: SimService[] = [];
  const add = (host: string, binary: string, zone: string): void => {
    services.push({ id: services.length + 1, uuid: ctx.prng.uuid(), host, binary, zone, disabled: false, disabledReason: null, forcedDown: false, createdAt: ctx.now, modifiedAt: ctx.now });
  };
  const controller = seed.controllerHost === undefined ? "controller" : seed.controllerHost;
  if (controller) {
    add(controller, "nova-scheduler", "internal");
    add(controller, "nova-conductor", "internal");
  }
  for (const host of names) add(host, "nova-compute", seed.zone ?? "nova");
  return services;
}

/** Builds every record of a cloud; ids come from ctx.prng so a seed reproduces them. */
export function buildCloud(seed: CloudSeed, ctx: SeedContext): SeededCloud {
  const names = hostNames(seed.hosts);
  const external = new Set(seed.externalHeartbeat ?? []);
  const hosts: SimHost[] = names.map((name, i) => ({
    name,
    ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) + 1}`,
    alive: true,
    externalHeartbeat: external.has(name),
    bootedAt: ctx.now,
    ...(seed.hostCapacity !== undefined ? { capacity: seed.hostCapacity } : {}),
  }));
  const flavors = BASE_FLAVORS.map(([id, name, vcpus, ram, disk, specs]) => makeFlavor(id, name, vcpus, ram, disk, specs));
  if (seed.taggedFlavor) flavors.push(makeFlavor(EVACUABLE.flavorId, EVACUABLE.flavorName, 2, 2048, 20, { [EVACUABLE.tag]: "true" }));
  const images = seedImages(seed, ctx);
  const services = seedServices(seed, ctx, names);
  const servers = seedServers(seed, ctx, names, images);
  return { hosts, services, servers, flavors, images };
}
