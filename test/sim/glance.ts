// Glance v2: version list and GET /v2/images (tag filters, newest first, limit/marker with relative next links).
import { createHash } from "node:crypto";
import { isoSeconds } from "./clock.js";
import type { SimImage } from "./cloud-model.js";
import type { SimCloud } from "./cloud-state.js";
import { glanceError } from "./fault-bodies.js";
import { HttpError, type Route, type SimRequest, type SimResponse, json } from "./http-kit.js";

/** Versions a Zed Glance with a filesystem backend and no image cache lists. */
const GLANCE_VERSIONS: [string, string][] = [
  ["2.15", "CURRENT"],
  ...["2.13", "2.12", "2.11", "2.10", "2.9", "2.8", "2.7", "2.6", "2.5", "2.4", "2.3", "2.2", "2.1", "2.0"].map((v): [string, string] => [v, "SUPPORTED"]),
];

function versionList(req: SimRequest): Record<string, unknown> {
  return { versions: GLANCE_VERSIONS.map(([id, status]) => ({ id: `v${id}`, status, links: [{ rel: "self", href: `${req.origin}/image/v2/` }] })) };
}

function fail(status: number, message: string): never {
  throw new HttpError(glanceError(status, message));
}

/** An image as Glance v2 shows it (custom properties at the top level). */
export function imageView(image: SimImage): Record<string, unknown> {
  return {
    ...image.properties,
    name: image.name,
    disk_format: "qcow2",
    container_format: "bare",
    visibility: image.visibility,
    size: 21430272,
    virtual_size: 117440512,
    status: "active",
    checksum: createHash("md5").update(image.id).digest("hex"),
    protected: false,
    min_ram: 0,
    min_disk: 0,
    owner: image.owner,
    os_hidden: false,
    os_hash_algo: "sha512",
    os_hash_value: createHash("sha512").update(image.id).digest("hex"),
    id: image.id,
    created_at: isoSeconds(image.createdAt),
    updated_at: isoSeconds(image.createdAt),
    tags: [...image.tags],
    self: `/v2/images/${image.id}`,
    file: `/v2/images/${image.id}/file`,
    schema: "/v2/schemas/image",
  };
}

/** The query as Glance re-encodes it for first/next (one value per key, the last one, as dict(MultiDict) does). */
function reencode(query: URLSearchParams, marker?: string): string {
  const params = new Map<string, string>();
  for (const [k, v] of query) if (k !== "marker") params.set(k, v);
  if (marker !== undefined) params.set("marker", marker);
  return new URLSearchParams([...params]).toString();
}

function listImages(cloud: SimCloud, req: SimRequest): SimResponse {
  const q = req.query;
  const rawLimit = q.get("limit");
  let limit = cloud.config.glanceDefaultLimit;
  if (rawLimit !== null) {
    if (!/^-?\d+$/.test(rawLimit.trim())) fail(400, "limit param must be an integer");
    limit = Number(rawLimit);
    if (limit < 0) fail(400, "limit param must be positive");
  }
  limit = Math.min(cloud.config.glanceMaxLimit, limit);
  const tags = q.getAll("tag").map((t) => t.trim());
  const name = q.get("name");
  const visibility = q.get("visibility");
  const newestFirst = [...cloud.images()].reverse();
  const marker = q.get("marker");
  let start = 0;
  if (marker !== null) {
    const idx = newestFirst.findIndex((i) => i.id === marker);
    if (idx === -1) fail(400, `No image found with ID ${marker}`);
    start = idx + 1;
  }
  const page: SimImage[] = [];
  for (let i = start; i < newestFirst.length && page.length < limit; i++) {
    const image = newestFirst[i] as SimImage;
    if (tags.every((t) => image.tags.includes(t)) && (name === null || image.name === name) && (visibility === null || image.visibility === visibility)) page.push(image);
  }
  const first = reencode(q);
  const body: Record<string, unknown> = { images: page.map(imageView), first: first ? `/v2/images?${first}` : "/v2/images", schema: "/v2/schemas/images" };
  const last = page.at(-1);
  if (last && page.length === limit) body.next = `/v2/images?${reencode(q, last.id)}`;
  return json(200, body);
}

/** Glance routes, under /image. */
export function glanceRoutes(cloud: SimCloud): Route[] {
  return [
    { method: "GET", pattern: "/image", public: true, handler: (req) => json(300, versionList(req)) },
    { method: "GET", pattern: "/image/versions", public: true, handler: (req) => json(200, versionList(req)) },
    { method: "GET", pattern: "/image/v2/images", handler: (req) => listImages(cloud, req) },
    {
      method: "GET",
      pattern: "/image/v2/images/{id}",
      handler: (req) => {
        const image = cloud.images().find((i) => i.id === req.params.id);
        if (!image) fail(404, `No image found with ID ${req.params.id ?? ""}`);
        return json(200, imageView(image));
      },
    },
  ];
}
