// The one transport of the OpenStack client: axios with timeouts, TLS settings, retries, request ids, counters and a debug line per request.
import { performance } from "node:perf_hooks";
import axios, { AxiosError, type AxiosInstance } from "axios";
import type { Logger } from "pino";
import { createAgents, type AgentOptions, type Agents } from "./keep-alive-agents.js";
import { fromAxiosError, OpenStackError, requestIdOf, type ServiceName } from "./errors.js";
import { backoffDelay, DEFAULT_RETRIES, isIdempotentMethod, isTransient, retryAfterMs } from "./retry.js";
import { assertTimeLeft, msLeft, outOfTimeError, requestSignal, sleepWithin, stoppedError, type OperationBounds } from "./time-left.js";

/** HTTP methods the client uses. */
export type HttpMethod = "GET" | "HEAD" | "PUT" | "POST" | "DELETE";

/** Query parameters; undefined values are left out. */
export type QueryParams = Record<string, string | number | boolean | undefined>;

/** One request through the transport. */
export interface HttpRequest {
  service: ServiceName;
  method: HttpMethod;
  /** Absolute URL, without query. */
  url: string;
  params?: QueryParams;
  body?: unknown;
  headers?: Record<string, string>;
  /** Allows retries of a POST; GET, HEAD, PUT and DELETE are idempotent anyway. */
  idempotent?: boolean;
}

/** A successful (2xx) answer. */
export interface HttpResponse<T = unknown> {
  status: number;
  data: T;
  headers: Record<string, unknown>;
  requestId?: string;
}

/** Transport settings; `deadline` and `signal` bound every request, retry and backoff (see time-left.ts). */
export interface TransportOptions extends AgentOptions, OperationBounds {
  readTimeoutMs: number;
  logger: Logger;
  /** Retries after the first attempt, for idempotent calls (default 2). */
  retries?: number;
  userAgent?: string;
  /** For tests: replaces the backoff sleep and the jitter source. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** One attempt's result; `final` when the operation's bounds cut it off (no retry can help). */
type Attempt<T> = { ok: true; response: HttpResponse<T> } | { ok: false; error: OpenStackError; retryAfterMs?: number; final?: boolean };


/** The HTTP choke point: every OpenStack request of a process goes through one Transport. */
export class Transport {
  private readonly client: AxiosInstance;
  private readonly agents: Agents;
  private readonly secrets = new Set<string>();
  private readonly counts: Record<string, number> = {};

  constructor(private readonly options: TransportOptions) {
    this.agents = createAgents(options);
    this.client = axios.create({
      timeout: options.readTimeoutMs,
      httpAgent: this.agents.httpAgent,
      httpsAgent: this.agents.httpsAgent,
      proxy: false,
      maxRedirects: 0,
      transitional: { clarifyTimeoutError: true },
      headers: { Accept: "application/json", "User-Agent": options.userAgent ?? "nova-ha-agents" },
    });
  }

  /** Requests sent so far by service, retries included; a live view. */
  get requestCounts(): Readonly<Record<string, number>> {
    return this.counts;
  }

  /** Registers a value that must never appear in error messages (password, token, secret). */
  addSecret(value: string | undefined): void {
    if (value) this.secrets.add(value);
  }

  /**
   * Sends a request, retrying transient failures of idempotent calls with backoff; throws OpenStackError.
   * Nothing starts once the deadline has passed, an attempt is cut off at the deadline, and a backoff that would
   * outlast it is not slept: the last error is thrown instead.
   */
  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const idempotent = req.idempotent ?? isIdempotentMethod(req.method);
    const attempts = 1 + (idempotent ? (this.options.retries ?? DEFAULT_RETRIES) : 0);
    for (let attempt = 1; ; attempt++) {
      assertTimeLeft(this.options, req);
      const result = await this.send<T>(req, attempt);
      if (result.ok) return result.response;
      if (result.final || attempt >= attempts || !isTransient(result.error)) throw result.error;
      const delay = backoffDelay(attempt, this.options.random, result.retryAfterMs);
      if (delay >= msLeft(this.options)) throw result.error;
      this.options.logger.debug({ service: req.service, method: req.method, attempt, delayMs: delay }, "openstack retry");
      await (this.options.sleep ? this.options.sleep(delay) : sleepWithin(this.options, delay, req));
    }
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agents.destroy();
  }

  private async send<T>(req: HttpRequest, attempt: number): Promise<Attempt<T>> {
    this.counts[req.service] = (this.counts[req.service] ?? 0) + 1;
    const started = performance.now();
    const line = { service: req.service, method: req.method, path: logPath(req), attempt };
    const signal = requestSignal(this.options);
    try {
      const res = await this.client.request<T>({ method: req.method, url: req.url, params: req.params, data: req.body, headers: req.headers, signal });
      const headers = res.headers as Record<string, unknown>;
      const requestId = requestIdOf(headers);
      this.options.logger.debug({ ...line, status: res.status, ms: elapsed(started), requestId }, "openstack request");
      return { ok: true, response: { status: res.status, data: res.data, headers, requestId } };
    } catch (caught) {
      if (signal?.aborted) {
        const error = this.options.signal?.aborted ? stoppedError(req, this.options.signal, caught) : outOfTimeError(req, true, caught);
        this.options.logger.debug({ ...line, status: "cut off", ms: elapsed(started) }, "openstack request");
        return { ok: false, error, final: true };
      }
      const error = fromAxiosError(caught, {
        service: req.service,
        method: req.method,
        url: req.url,
        readTimeoutMs: this.options.readTimeoutMs,
        connectTimeoutMs: this.options.connectTimeoutMs,
        secrets: this.secrets,
      });
      const retryAfter = caught instanceof AxiosError ? retryAfterMs(caught.response?.headers?.["retry-after"]) : undefined;
      const outcome = error.status ?? error.code ?? error.kind;
      this.options.logger.debug({ ...line, status: outcome, ms: elapsed(started), requestId: error.requestId }, "openstack request");
      return { ok: false, error, retryAfterMs: retryAfter };
    }
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

/** Path and query of a request, for the debug line (never headers or bodies). */
function logPath(req: HttpRequest): string {
  const path = new URL(req.url).pathname;
  const entries = Object.entries(req.params ?? {}).flatMap(([k, v]): Array<[string, string]> => (v === undefined ? [] : [[k, String(v)]]));
  return entries.length === 0 ? path : `${path}?${new URLSearchParams(entries).toString()}`;
}
