// A session towards a recovery back-end (Masakari, Mistral): Keystone token and catalog through the shared transport, re-authentication once on a 401.
import { selectEndpoint, type CatalogService, type SERVICE_TYPES } from "./catalog.js";
import { configError } from "./errors.js";
import type { HttpResponse, Transport } from "./http.js";
import { requestToken } from "./keystone.js";
import { sendWithToken, TokenHolder, type ServiceRequest } from "./token-holder.js";
import type { CloudConfig } from "./types.js";

/** The recovery back-ends the agents talk to. */
export type BackendService = "masakari" | "mistral";

/** Catalog service types per back-end, preferred first. */
export const BACKEND_SERVICE_TYPES: Readonly<Record<BackendService, readonly string[]>> = {
  masakari: ["instance-ha", "ha"],
  mistral: ["workflowv2", "workflow"],
};

/** A request to the back-end, relative to its endpoint. */
export interface BackendRequest extends ServiceRequest {
  /** The token sent must stay valid this long (Mistral keeps the caller's token for the whole run). */
  minTokenLifeMs?: number;
}

interface BackendState {
  token: string;
  expiresAt: number;
  endpoint: string;
  catalog: readonly CatalogService[];
}

/** Holds the token and the back-end's endpoint; every request to the back-end goes through it. */
export class BackendSession {
  private readonly holder: TokenHolder<BackendState>;

  constructor(
    private readonly transport: Transport,
    private readonly config: CloudConfig,
    readonly service: BackendService,
    now: () => number = Date.now,
  ) {
    this.holder = new TokenHolder(() => this.authenticate(), now);
  }

  /** Sends a request with the token (valid at least `minTokenLifeMs`); a 401 triggers one re-authentication and one retry. */
  request<T = unknown>(req: BackendRequest): Promise<HttpResponse<T>> {
    return this.holder.withToken((state) => sendWithToken<T>(this.transport, this.service, state.endpoint, req, state.token), req.minTokenLifeMs ?? 0);
  }

  /** The back-end's own endpoint URL, as the catalog lists it (no trailing slash). */
  async endpoint(): Promise<string> {
    return (await this.holder.current()).endpoint;
  }

  /** The URL of another service of the same catalog (the Mistral workflow calls Nova at the compute endpoint). */
  async serviceEndpoint(service: keyof typeof SERVICE_TYPES): Promise<string> {
    const state = await this.holder.current();
    return selectEndpoint(state.catalog, service, this.config.interface, this.config.regionName);
  }

  private async authenticate(): Promise<BackendState> {
    const grant = await requestToken(this.transport, this.config);
    const endpoint = backendEndpoint(grant.catalog, this.service, this.config.interface, this.config.regionName);
    return { token: grant.token, expiresAt: grant.expiresAt, endpoint, catalog: grant.catalog };
  }
}

/** The URL (no trailing slash) of the back-end's endpoint for interface and region; a config error naming the types looked for otherwise. */
export function backendEndpoint(catalog: readonly CatalogService[], service: BackendService, iface: CloudConfig["interface"], region: string | undefined): string {
  const types = BACKEND_SERVICE_TYPES[service];
  for (const type of types) {
    for (const entry of catalog.filter((e) => e.type === type)) {
      const match = entry.endpoints.find((ep) => ep.interface.toLowerCase().replace(/url$/, "") === iface &&
        (region === undefined || ep.region_id === region || ep.region === region));
      if (match) return match.url.replace(/\/+$/, "");
    }
  }
  throw configError(`the Keystone catalog has no ${types.join("/")} endpoint with interface ${iface}${region === undefined ? "" : ` in region ${region}`}`,
    `register ${service} in Keystone, or check region_name and interface`);
}
