// The recovery back-ends' credentials option every agent that talks to a back-end accepts, declared once, and how it resolves.
import type { ParamSpec, ParamValues } from "../kit/params.js";
import { typedParams } from "../kit/params.js";
import type { CloudConfig } from "../openstack/types.js";
import { cloudConfigFromParams } from "./openstack-session.js";

/** backend_cloud: NovaEvacuate starts and follows recoveries with it; fence_compute on and NovaCompute start lift Masakari's maintenance with it. */
export const BACKEND_CLOUD_OPTION = {
  name: "backend_cloud", type: "string", metavar: "name", default: "", order: 30,
  shortdesc: "clouds.yaml entry whose credentials reach the recovery back-ends, Masakari and Mistral (else this agent's own)",
  longdesc: "NovaEvacuate starts and follows the back-end's recoveries with it; fence_compute on and NovaCompute start take a host " +
    "Masakari recovered off maintenance with it. Mistral keeps the token of whoever starts an execution in clear in its logs " +
    "and database: give it a short-lived application credential limited to the workflow's calls (docs/backends.md).",
} as const satisfies ParamSpec;

/** The back-ends' credentials: backend_cloud's clouds.yaml entry (with this agent's endpoint_type and region_name), else this agent's own. */
export function backendCloudConfig(values: ParamValues, env: NodeJS.ProcessEnv, deadline = Infinity): Promise<CloudConfig> {
  const cloud = typedParams([BACKEND_CLOUD_OPTION], values).backend_cloud.trim();
  return cloudConfigFromParams(cloud ? { cloud, endpoint_type: values.endpoint_type, region_name: values.region_name } : values, env, deadline);
}
