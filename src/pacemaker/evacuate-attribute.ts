// The attrd attribute the agents share with the Python/shell peers. Its values (yes → <node>@<epoch> → no) are read and
// written in src/recovery/host/host-recovery-state.ts, beside the Nova marker that holds the other half of the state.

/** The attribute's name. */
export const EVACUATE_ATTRIBUTE = "evacuate";
