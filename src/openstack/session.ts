// An authenticated session: reuses the token until it nears expiry, re-authenticates once on a 401, resolves endpoints.
import { selectEndpoint } from "./catalog.js";
import { configError, OpenStackError } from "./errors.js";
import type { HttpMethod, HttpResponse, QueryParams, Transport } from "./http.js";
import { requestToken } from "./keystone.js";
import type { CloudConfig } from "./types.js";

/** A token is renewed when it expires within this margin. */
export const EXPIRY_MARGIN_MS = 60_000;

/** Token and endpoints of the session. */
export interface SessionState {
  token: string;
  expiresAt: number;
  projectId?: string;
  endpoints: { compute: string; image: string | null };
}

/** A request to a service, relative to its endpoint. */
export interface ServiceRequest {
  method: HttpMethod;
  /** Path below the endpoint, starting with "/". */
  path: string;
  params?: QueryParams;
  body?: unknown;
  headers?: Record<string, string>;
  idempotent?: boolean;
}

/** Session settings. */
export interface SessionOptions {
  /** A state to start from (from the token cache); used while it is not near expiry. */
  initial?: SessionState;
  /** Called after each (re-)authentication, e.g. to update the token cache. */
  onRenew?: (state: SessionState) => void;
  now?: () => number;
}

/** Holds the token; every service request goes through it. */
export class Session {
  private state: SessionState | undefined;
  private renewing: Promise<SessionState> | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly config: CloudConfig,
    private readonly options: SessionOptions = {},
  ) {
    this.state = options.initial;
    if (this.state) transport.addSecret(this.state.token);
  }

  /** A usable state: the current one, or a fresh token when there is none or it nears expiry. */
  async current(): Promise<SessionState> {
    const now = (this.options.now ?? Date.now)();
    if (this.state && this.state.expiresAt - EXPIRY_MARGIN_MS > now) return this.state;
    return this.renew();
  }

  /** Authenticates again; concurrent callers share one Keystone request. */
  renew(): Promise<SessionState> {
    this.renewing ??= this.authenticate().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  /** Sends a request to a service with the token; a 401 triggers one re-authentication and one retry. */
  async request<T = unknown>(service: "compute" | "image", req: ServiceRequest): Promise<HttpResponse<T>> {
    const state = await this.current();
    try {
      return await this.send<T>(service, req, state);
    } catch (error) {
      if (!(error instanceof OpenStackError) || error.status !== 401) throw error;
      // Another request may have renewed the token meanwhile; then use that one.
      const fresh = this.state && this.state.token !== state.token ? this.state : await this.renew();
      return this.send<T>(service, req, fresh);
    }
  }

  /** The endpoint of a service in a state; throws a config error when the catalog had none. */
  endpoint(service: "compute" | "image", state: SessionState): string {
    const url = state.endpoints[service];
    if (url) return url;
    throw configError(`the Keystone catalog has no ${service} endpoint with interface ${this.config.interface}` +
      `${this.config.regionName ? ` in region ${this.config.regionName}` : ""}`, "check region_name and interface (endpoint_type)");
  }

  private send<T>(service: "compute" | "image", req: ServiceRequest, state: SessionState): Promise<HttpResponse<T>> {
    return this.transport.request<T>({
      service,
      method: req.method,
      url: `${this.endpoint(service, state)}${req.path}`,
      params: req.params,
      body: req.body,
      headers: { ...req.headers, "X-Auth-Token": state.token },
      idempotent: req.idempotent,
    });
  }

  private async authenticate(): Promise<SessionState> {
    const grant = await requestToken(this.transport, this.config);
    const { interface: iface, regionName } = this.config;
    let image: string | null = null;
    try {
      image = selectEndpoint(grant.catalog, "image", iface, regionName);
    } catch {
      // Glance is only needed for image tags; its absence is reported when it is used.
    }
    const compute = selectEndpoint(grant.catalog, "compute", iface, regionName);
    this.state = { token: grant.token, expiresAt: grant.expiresAt, projectId: grant.projectId, endpoints: { compute, image } };
    this.options.onRenew?.(this.state);
    return this.state;
  }
}
