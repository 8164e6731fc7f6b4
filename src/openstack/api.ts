// The calls the agents make to OpenStack: the one interface between the agents and the HTTP client.
import type { ComputeService, EvacuateOptions, Flavor, Image, Migration, Server } from "./types.js";

/** Nova, at the microversion negotiated for this session. */
export interface ComputeApi {
  /** The microversion every request carries, e.g. "2.93". */
  readonly microversion: string;
  /** True when the negotiated microversion is at least `version`. */
  supports(version: string): boolean;
  /** nova-compute services, optionally of one host; one request. */
  listServices(filter?: { host?: string }): Promise<ComputeService[]>;
  /** Sets or clears forced_down; by id from 2.53, by host and binary before. */
  forceDown(service: ComputeService, forcedDown: boolean): Promise<ComputeService>;
  /** Disables the service with a reason. */
  disable(service: ComputeService, reason: string): Promise<ComputeService>;
  /** Enables the service (clears the reason). */
  enable(service: ComputeService): Promise<ComputeService>;
  /** Every server on a host, across all tenants, following every page. */
  listServersOnHost(host: string): Promise<Server[]>;
  /** Every server of every tenant changed since `since` (ISO time), deleted ones included, every page. */
  listServersChangedSince(since: string): Promise<Server[]>;
  /** One server, or null if Nova no longer has it. */
  getServer(id: string): Promise<Server | null>;
  /** Asks Nova to evacuate one server; resolves when Nova accepted the request. */
  evacuate(serverId: string, options?: EvacuateOptions): Promise<void>;
  /** Shuts a server down (os-stop); used to put an instance back in its old power state. */
  stopServer(serverId: string): Promise<void>;
  /** Evacuation migration records whose source is `host`, every page, optionally changed since a time. */
  listEvacuations(filter: { sourceCompute: string; changesSince?: string }): Promise<Migration[]>;
  /** Every flavor, public and private, with extra specs. */
  listFlavors(): Promise<Flavor[]>;
}

/** Glance, as far as instance selection needs it. */
export interface ImageApi {
  /** Every image carrying `tag`, following every page. */
  listImagesWithTag(tag: string): Promise<Image[]>;
}

/** An authenticated OpenStack session. */
export interface OpenStack {
  readonly compute: ComputeApi;
  readonly image: ImageApi;
  /** Requests sent so far, by service ("identity", "compute", "image"); for logs and benchmarks. */
  readonly requestCounts: Readonly<Record<string, number>>;
}
