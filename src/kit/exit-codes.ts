// Exit codes of the two protocols the agents speak, declared once.

/** OCF resource agent exit codes (resource-agents ocf-returncodes). */
export const OCF = {
  SUCCESS: 0,
  ERR_GENERIC: 1,
  ERR_ARGS: 2,
  ERR_UNIMPLEMENTED: 3,
  ERR_PERM: 4,
  ERR_INSTALLED: 5,
  ERR_CONFIGURED: 6,
  NOT_RUNNING: 7,
} as const;

/** An OCF exit code. */
export type OcfCode = (typeof OCF)[keyof typeof OCF];

/** Fence agent exit codes (fencing library): 1 for every failure, 2 when `status` finds the target OFF. */
export const FENCE = {
  SUCCESS: 0,
  FAILURE: 1,
  STATUS_OFF: 2,
} as const;

/** A fence agent exit code. */
export type FenceCode = (typeof FENCE)[keyof typeof FENCE];
