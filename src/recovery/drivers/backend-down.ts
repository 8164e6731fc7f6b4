// The one-line reason a back-end could not be asked, for the "pending" progress of a driver.
import { OpenStackError } from "../../openstack/errors.js";

/** "<Back-end> not reachable: <what failed>", without stack or secrets (OpenStackError messages carry none). */
export function backendDown(backend: string, error: unknown): string {
  const what = error instanceof OpenStackError ? error.message : error instanceof Error ? error.message : String(error);
  return `${backend} could not be asked, retrying: ${what.split("\n")[0]}`;
}
