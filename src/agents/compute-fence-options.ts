// The options both compute fence agents accept beyond the connection: host naming and the peers' evacuation switches.
import type { ParamSpec } from "../kit/params.js";

/** domain, compute_domain, instance_filtering, no_shared_storage: same names, spellings and defaults as the peers. */
export const COMPUTE_FENCE_OPTIONS = [
  {
    name: "domain", type: "string", short: "d", metavar: "string", order: 5,
    shortdesc: "DNS domain in which hosts live, useful when the cluster uses short names and Nova uses FQDN (picks <short>.<domain> when a short name is ambiguous)",
  },
  {
    name: "compute_domain", type: "string", metavar: "string", aliases: ["compute-domain"], order: 6,
    shortdesc: "Replaced by domain (used as the domain when domain is not set)",
  },
  {
    name: "instance_filtering", type: "boolean", default: true, order: 5,
    shortdesc: "Allow instances to be evacuated: those tagged evacuable (flavor, image or metadata), or all when nothing is tagged; 0 evacuates nothing",
  },
  {
    name: "no_shared_storage", type: "boolean", default: false, order: 5,
    shortdesc: "Disable functionality for dealing with shared storage (sent to Nova as onSharedStorage below microversion 2.14)",
  },
] as const satisfies readonly ParamSpec[];
