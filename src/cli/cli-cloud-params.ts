// The connection parameters of the nova-ha CLI's --cloud and --interface options.
import type { ParamValues } from "../kit/params.js";

/**
 * The CLI's connection options as the agents' connection parameters. Without --interface, endpoint_type is empty
 * (not given): OS_INTERFACE, OS_ENDPOINT_TYPE or clouds.yaml then choose, else internal. Left undefined, the agents'
 * parameter default (internalURL, as the peers have it) would win over all of them.
 */
export function cliCloudParams(options: { cloud?: string; interface?: string }): ParamValues {
  return { cloud: options.cloud, endpoint_type: options.interface ?? "" };
}
