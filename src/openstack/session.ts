// An authenticated session to Nova and Glance: the token held by token-holder.ts, and the endpoints of its catalog.
import { selectEndpoint } from "./catalog.js";
import { configError } from "./errors.js";
import type { HttpResponse, Transport } from "./http.js";
import { requestToken } from "./keystone.js";
import { sendWithToken, TokenHolder, type ServiceRequest } from "./token-holder.js";
import type { CloudConfig } from "./types.js";

/** Token and endpoints of the session. */
export interface SessionState {
  token: string;
  expiresAt: number;
  projectId?: string;
  endpoints: { compute: string; image: string | null };
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
  private readonly holder: TokenHolder<SessionState>;

  constructor(
    private readonly transport: Transport,
    private readonly config: CloudConfig,
    private readonly options: SessionOptions = {},
  ) {
    this.holder = new TokenHolder(() => this.authenticate(), options.now, options.initial);
    if (options.initial) transport.addSecret(options.initial.token);
  }

  /** A usable state: the current one, or a fresh token when there is none or it nears expiry. */
  current(): Promise<SessionState> {
    return this.holder.current();
  }

  /** Authenticates again; concurrent callers share one Keystone request. */
  renew(): Promise<SessionState> {
    return this.holder.renew();
  }

  /** Sends a request to a service with the token; a 401 triggers one re-authentication and one retry. */
  request<T = unknown>(service: "compute" | "image", req: ServiceRequest): Promise<HttpResponse<T>> {
    return this.holder.withToken((state) => sendWithToken<T>(this.transport, service, this.endpoint(service, state), req, state.token));
  }

  /** The endpoint of a service in a state; throws a config error when the catalog had none. */
  endpoint(service: "compute" | "image", state: SessionState): string {
    const url = state.endpoints[service];
    if (url) return url;
    throw configError(`the Keystone catalog has no ${service} endpoint with interface ${this.config.interface}` +
      `${this.config.regionName ? ` in region ${this.config.regionName}` : ""}`, "check region_name and interface (endpoint_type)");
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
    const state: SessionState = { token: grant.token, expiresAt: grant.expiresAt, projectId: grant.projectId, endpoints: { compute, image } };
    this.options.onRenew?.(state);
    return state;
  }
}
