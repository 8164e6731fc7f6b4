// ComputeApi over Nova at the negotiated microversion; the calls live in nova/.
import type { ComputeApi } from "./api.js";
import { listFlavors } from "./nova/flavors.js";
import { listEvacuations } from "./nova/migrations.js";
import { NovaClient } from "./nova/nova-client.js";
import { evacuate, getServer, listServersChangedSince, listServersOnHost, stopServer } from "./nova/servers.js";
import { disable, enable, forceDown, listServices } from "./nova/services.js";
import type { Session } from "./session.js";
import type { ComputeService, EvacuateOptions, Flavor, Migration, Server } from "./types.js";

/** Builds the ComputeApi of a session at `microversion`. */
export function createComputeApi(session: Session, microversion: string): ComputeApi {
  const nova = new NovaClient(session, microversion);
  return {
    microversion,
    supports: (version: string): boolean => nova.supports(version),
    listServices: (filter?: { host?: string }): Promise<ComputeService[]> => listServices(nova, filter),
    forceDown: (service: ComputeService, forcedDown: boolean): Promise<ComputeService> => forceDown(nova, service, forcedDown),
    disable: (service: ComputeService, reason: string): Promise<ComputeService> => disable(nova, service, reason),
    enable: (service: ComputeService): Promise<ComputeService> => enable(nova, service),
    listServersOnHost: (host: string): Promise<Server[]> => listServersOnHost(nova, host),
    listServersChangedSince: (since: string): Promise<Server[]> => listServersChangedSince(nova, since),
    getServer: (id: string): Promise<Server | null> => getServer(nova, id),
    evacuate: (serverId: string, options?: EvacuateOptions): Promise<void> => evacuate(nova, serverId, options),
    stopServer: (serverId: string): Promise<void> => stopServer(nova, serverId),
    listEvacuations: (filter: { sourceCompute: string; changesSince?: string }): Promise<Migration[]> => listEvacuations(nova, filter),
    listFlavors: (): Promise<Flavor[]> => listFlavors(nova),
  };
}
