// One Keystone-authenticated state, held for a session: reused until it nears expiry, renewed once for all concurrent
// callers, and renewed once more when a service answers 401. Session (Nova, Glance) and BackendSession (Masakari,
// Mistral) hold theirs in one.
import { OpenStackError, type ServiceName } from "./errors.js";
import type { HttpMethod, HttpResponse, QueryParams, Transport } from "./http.js";

/** A token is renewed when it expires within this margin (or within the caller's minimum lifetime, if longer). */
export const EXPIRY_MARGIN_MS = 60_000;

/** What a held state carries at least. */
export interface TokenState {
  readonly token: string;
  readonly expiresAt: number;
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

/** Sends `req` to `service` at `endpoint` with `token`. */
export function sendWithToken<T>(transport: Transport, service: ServiceName, endpoint: string, req: ServiceRequest, token: string): Promise<HttpResponse<T>> {
  return transport.request<T>({
    service,
    method: req.method,
    url: `${endpoint}${req.path}`,
    params: req.params,
    body: req.body,
    headers: { ...req.headers, "X-Auth-Token": token },
    idempotent: req.idempotent,
  });
}

/** Holds a state that `authenticate` makes; every request with its token goes through `withToken`. */
export class TokenHolder<S extends TokenState> {
  private state: S | undefined;
  private renewing: Promise<S> | undefined;

  constructor(
    private readonly authenticate: () => Promise<S>,
    private readonly now: () => number = Date.now,
    initial?: S,
  ) {
    this.state = initial;
  }

  /** A usable state: the held one, or a fresh one when there is none or it expires within the margin or `minLifeMs`. */
  async current(minLifeMs = 0): Promise<S> {
    if (this.state && this.state.expiresAt - Math.max(EXPIRY_MARGIN_MS, minLifeMs) > this.now()) return this.state;
    return this.renew();
  }

  /** Authenticates again; concurrent callers share one Keystone request. */
  renew(): Promise<S> {
    this.renewing ??= this.authenticate()
      .then((state) => (this.state = state))
      .finally(() => {
        this.renewing = undefined;
      });
    return this.renewing;
  }

  /** Runs `send` with a usable state; a 401 renews the token once (unless another caller already did) and sends again. */
  async withToken<T>(send: (state: S) => Promise<T>, minLifeMs = 0): Promise<T> {
    const state = await this.current(minLifeMs);
    try {
      return await send(state);
    } catch (error) {
      if (!(error instanceof OpenStackError) || error.status !== 401) throw error;
      const fresh = this.state && this.state.token !== state.token ? this.state : await this.renew();
      return send(fresh);
    }
  }
}
