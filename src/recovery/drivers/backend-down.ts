// The one-line reason a back-end could not be asked, for the "pending" progress of a driver.
import { oneLine } from "../../kit/agent-error.js";

/** "<Back-end> could not be asked, retrying: <what failed>", one line, without stack or secrets (OpenStackError messages carry none). */
export function backendDown(backend: string, error: unknown): string {
  return `${backend} could not be asked, retrying: ${oneLine(error)}`;
}
