// POST /servers/{id}/action {"os-stop": null}: Nova's stop, allowed from active and error with no task running.
import type { SimCloud } from "./cloud-state.js";
import { throwNova } from "./fault-bodies.js";
import type { SimRequest, SimResponse } from "./http-kit.js";
import { requireServer } from "./nova-servers.js";

/** vm_states Nova's stop accepts (check_instance_state in nova/compute/api.py). */
const STOPPABLE = new Set(["active", "error"]);
/** How long the (fake) guest takes to shut down. */
const POWER_OFF_MS = 150;
/** power_state SHUTDOWN. */
const SHUTDOWN = 4;

/** Stops a server: task powering-off at once, then vm_state stopped; 202 with no body, like Nova. */
export function stopServer(cloud: SimCloud, req: SimRequest): SimResponse {
  const server = requireServer(cloud, req.params.id ?? "");
  if (!STOPPABLE.has(server.vmState)) throwNova(409, `Cannot 'stop' instance ${server.uuid} while it is in vm_state ${server.vmState}`);
  if (server.taskState !== null) throwNova(409, `Cannot 'stop' instance ${server.uuid} while it is in task_state ${server.taskState}`);
  cloud.serverStore.update(server, { taskState: "powering-off" });
  cloud.timers.after(POWER_OFF_MS, () => cloud.serverStore.update(server, { vmState: "stopped", taskState: null, powerState: SHUTDOWN }));
  return { status: 202, headers: {}, body: undefined };
}
