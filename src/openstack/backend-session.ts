// A session towards a recovery back-end (Masakari, Mistral): Keystone token and catalog through the shared transport, re-authentication once on a 401.
import type { CatalogService } from "./catalog.js";
import { configError, OpenStackError } from "./errors.js";
import type { HttpMethod, HttpResponse, QueryParams, Transport } from "./http.js";
import { requestToken } from "./keystone.js";
import type { CloudConfig } from "./types.js";

/** The recovery back-ends the agents talk to. */
export type BackendService = "masakari" | "mistral";

/** Catalog service types per back-end, preferred first. */
export const BACKEND_SERVICE_TYPES: Readonly<Record<BackendService, readonly string[]>> = {
  masakari: ["instance-ha", "ha"],
  mistral: ["workflowv2", "workflow"],
};

/** A token is renewed when it expires within this margin (or within the caller's minimum lifetime). */
const EXPIRY_MARGIN_MS = 60_000;

/** A request to the back-end, relative to its endpoint. */
export interface BackendRequest {
  method: HttpMethod;
  /** Path below the endpoint, starting with "/". */
  path: string;
  params?: QueryParams;
  body?: unknown;
  headers?: Record<string, string>;
  idempotent?: boolean;
  /** The token sent must stay valid this long (Mistral keeps the caller's token for the whole run). */
  minTokenLifeMs?: number;
}

interface BackendState {
  token: string;
  expiresAt: number;
  endpoint: string;
}

/** Holds the token and the back-end's endpoint; every request to the back-end goes through it. */
export class BackendSession {
  private state: BackendState | undefined;
  private renewing: Promise<BackendState> | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly config: CloudConfig,
    readonly service: BackendService,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sends a request with the token; a 401 triggers one re-authentication and one retry. */
  async request<T = unknown>(req: BackendRequest): Promise<HttpResponse<T>> {
    const state = await this.current(req.minTokenLifeMs ?? 0);
    try {
      return await this.send<T>(req, state);
    } catch (error) {
      if (!(error instanceof OpenStackError) || error.status !== 401) throw error;
      const fresh = this.state && this.state.token !== state.token ? this.state : await this.renew();
      return this.send<T>(req, fresh);
    }
  }

  private async current(minLifeMs: number): Promise<BackendState> {
    if (this.state && this.state.expiresAt - Math.max(EXPIRY_MARGIN_MS, minLifeMs) > this.now()) return this.state;
    return this.renew();
  }

  private renew(): Promise<BackendState> {
    this.renewing ??= this.authenticate().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private send<T>(req: BackendRequest, state: BackendState): Promise<HttpResponse<T>> {
    return this.transport.request<T>({
      service: this.service,
      method: req.method,
      url: `${state.endpoint}${req.path}`,
      params: req.params,
      body: req.body,
      headers: { ...req.headers, "X-Auth-Token": state.token },
      idempotent: req.idempotent,
    });
  }

  private async authenticate(): Promise<BackendState> {
    const grant = await requestToken(this.transport, this.config);
    const endpoint = backendEndpoint(grant.catalog, this.service, this.config.interface, this.config.regionName);
    this.state = { token: grant.token, expiresAt: grant.expiresAt, endpoint };
    return this.state;
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
