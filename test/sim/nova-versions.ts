// Nova's version documents: GET /compute/ (all versions) and GET /compute/v2.1/ (the current one).
import type { SimCloud } from "./cloud-state.js";
import { type Route, json } from "./http-kit.js";
import { MIN_MICROVERSION } from "./microversion.js";

interface VersionEntry {
  id: string;
  path: string;
  status: string;
  version: string;
  min_version: string;
  updated: string;
  media: string;
}

/** Nova's API versions (nova/api/openstack/compute/versions.py); the v2.1 maximum comes from the config. */
function versions(cloud: SimCloud): VersionEntry[] {
  return [
    { id: "v2.0", path: "v2", status: "SUPPORTED", version: "", min_version: "", updated: "2011-01-21T11:33:21Z", media: "2" },
    { id: "v2.1", path: "v2.1", status: "CURRENT", version: cloud.config.maxMicroversion, min_version: MIN_MICROVERSION, updated: "2013-07-23T11:33:21Z", media: "2.1" },
  ];
}

function summary(v: VersionEntry): Record<string, unknown> {
  return { id: v.id, status: v.status, version: v.version, min_version: v.min_version, updated: v.updated };
}

/** Nova version routes (no token needed). */
export function novaVersionRoutes(cloud: SimCloud): Route[] {
  return [
    {
      method: "GET",
      pattern: "/compute",
      public: true,
      unversioned: true,
      handler: (req) =>
        json(200, { versions: versions(cloud).map((v) => ({ ...summary(v), links: [{ rel: "self", href: `${req.origin}/compute/${v.path}/` }] })) }),
    },
    {
      method: "GET",
      pattern: "/compute/v2.1",
      public: true,
      handler: (req) => {
        const v = versions(cloud)[1] as VersionEntry;
        const links = [{ rel: "self", href: `${req.origin}/compute/v2.1/` }, { rel: "describedby", type: "text/html", href: "http://docs.openstack.org/" }];
        const media = [{ base: "application/json", type: `application/vnd.openstack.compute+json;version=${v.media}` }];
        return json(200, { version: { ...summary(v), links, "media-types": media } });
      },
    },
  ];
}
