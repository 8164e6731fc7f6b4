// A look whose listings straddle a destination's claim: the server listing answered after it, the records before.
import { describe, expect, it } from "vitest";
import type { OpenStack } from "../../../../src/openstack/api.js";
import type { Migration, Server } from "../../../../src/openstack/types.js";
import { NO_TAGS } from "../../../../src/recovery/engine/evacuable-tags.js";
import { NovaView, type RecoveryTarget } from "../../../../src/recovery/engine/snapshot.js";
import { migration, novaTime, server, SINCE } from "../fixtures.js";

const TARGETS: RecoveryTarget[] = [{ host: "compute-1", since: new Date(SINCE), notBefore: SINCE }];

/**
 * A Nova in which compute-3 claims srv-1's evacuation while the server listing named `slow` is on its way (a slow or
 * retried request): from then on the server is on compute-3, and its record, updated by the claim, is listed by
 * changes-since. Before, the record had no updated_at and changes-since skipped it, as Nova's does.
 */
function novaClaimingDuring(slow: "listServersOnHost" | "listServersChangedSince"): OpenStack {
  let claimed = false;
  const before = server({ taskState: "rebuilding", updated: novaTime(10) });
  const after: Server = { ...before, host: "compute-3", taskState: "rebuild_spawning", updated: novaTime(12) };
  const record: Migration = migration({ status: "pre-migrating", destCompute: "compute-3", updatedAt: novaTime(12) });
  const servers = (): Server[] => [claimed ? after : before];
  const compute = {
    listServersOnHost: async (host: string) => {
      if (slow === "listServersOnHost") { await new Promise((resolve) => setTimeout(resolve, 20)); claimed = true; }
      return servers().filter((item) => item.host === host);
    },
    listServersChangedSince: async () => {
      if (slow === "listServersChangedSince") { await new Promise((resolve) => setTimeout(resolve, 20)); claimed = true; }
      return servers();
    },
    listEvacuations: async () => (claimed ? [record] : []),
  };
  return { compute } as unknown as OpenStack;
}

/** Whether a snapshot accounts for srv-1: on the host, or by a record of its evacuation. */
function accountsForSrv1(snapshot: { onHost: readonly Server[]; evacuations: readonly Migration[] } | undefined): boolean {
  return Boolean(snapshot?.onHost.some((item) => item.id === "srv-1") || snapshot?.evacuations.some((item) => item.instanceUuid === "srv-1"));
}

describe("NovaView reads the evacuation records after the servers", () => {
  it("so a full look that no longer finds a server on its host has the record that moved it", async () => {
    const view = new NovaView(novaClaimingDuring("listServersOnHost"), { current: () => Promise.resolve(NO_TAGS) });
    const [snapshot] = await view.look(TARGETS, SINCE + 15_000, true);
    expect(accountsForSrv1(snapshot)).toBe(true);
  });

  it("and so does a look between full ones, which reads what changed", async () => {
    const nova = novaClaimingDuring("listServersChangedSince");
    const view = new NovaView(nova, { current: () => Promise.resolve(NO_TAGS) });
    // The first look is full and sees srv-1 on its host with its task state; the second reads only what changed.
    await view.look(TARGETS, SINCE + 15_000, false);
    const [snapshot] = await view.look(TARGETS, SINCE + 16_000, true);
    expect(accountsForSrv1(snapshot)).toBe(true);
  });
});
