// Which recovery driver a host's recovery goes through, and how that choice and the back-end's id are kept in the Nova marker.
import { backendOfReason, markerFields, reasonReading } from "../host/host-recovery-state.js";
import type { BackendDriverName } from "./recovery-driver.js";

/** The values of NovaEvacuate's recovery_driver: its own engine, or a back-end. */
export const DRIVER_NAMES = ["nova", "masakari", "mistral"] as const;

/** A recovery driver's name. */
export type DriverName = (typeof DRIVER_NAMES)[number];

/** The marker fields that carry the choice: `driver=<name>`, and the back-end's notification or execution id `ref=<id>`. */
export const DRIVER_FIELD = "driver";
/** The field of the notification or execution id. */
export const REF_FIELD = "ref";
/** The field naming recovery_driver while a recovery under way goes through another driver (for `nova-ha status`). */
export const CONFIGURED_FIELD = "configured";

/** True for the names of the back-ends (everything but our own engine). */
export function isBackend(name: DriverName): name is BackendDriverName {
  return name !== "nova";
}

/**
 * The driver a host's recovery goes through. A recovery already under way keeps the driver it started with, whatever
 * recovery_driver says now (a change of configuration never sends a host to a second back-end): an `evacuating` marker
 * without a driver field was written by our engine; a back-end's own disable reason on a host attrd says is being
 * recovered (`pickedUp`) is that back-end's, written over our marker after the hand-over. Anything else starts with
 * the configured driver.
 */
export function driverOfHost(disabledReason: string | null | undefined, configured: DriverName, pickedUp = false): { driver: DriverName; ref?: string } {
  const backend = backendOfReason(disabledReason);
  if (backend && pickedUp) return { driver: backend };
  if (reasonReading(disabledReason) !== "evacuating") return { driver: configured };
  const fields = markerFields(disabledReason);
  const recorded = DRIVER_NAMES.find((name) => name === fields[DRIVER_FIELD]) ?? "nova";
  const ref = fields[REF_FIELD];
  return ref && isBackend(recorded) ? { driver: recorded, ref } : { driver: recorded };
}

/** The driver's fields for a marker: none for our engine (the markers it always wrote), `driver` and `ref` for a back-end. */
export function driverFields(driver: DriverName, ref?: string): Record<string, string> {
  if (!isBackend(driver)) return {};
  return ref ? { [DRIVER_FIELD]: driver, [REF_FIELD]: ref } : { [DRIVER_FIELD]: driver };
}

/** `configured=<recovery_driver>` while a recovery goes through another driver than recovery_driver names now; else none. */
export function switchFields(driver: DriverName, configured: DriverName | undefined): Record<string, string> {
  return configured === undefined || configured === driver ? {} : { [CONFIGURED_FIELD]: configured };
}

/** True when the host's `evacuated` marker says its recovery went through Masakari (unfencing then takes it off maintenance). */
export function recoveredThroughMasakari(disabledReason: string | null | undefined): boolean {
  return reasonReading(disabledReason) === "evacuated" && markerFields(disabledReason)[DRIVER_FIELD] === "masakari";
}
