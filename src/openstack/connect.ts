// connectOpenStack: one OpenStack session for a process, started from the token cache when it can be.
import type { Logger } from "pino";
import type { OpenStack } from "./api.js";
import { createComputeApi } from "./compute-api.js";
import { Transport } from "./http.js";
import { createImageApi } from "./image.js";
import { negotiateMicroversion } from "./microversion.js";
import { Session, type SessionState } from "./session.js";
import { EXPIRY_MARGIN_MS } from "./token-holder.js";
import { identityKey, TokenCache, type CachedSession } from "./token-cache.js";
import type { CloudConfig } from "./types.js";

/** Options of connectOpenStack. */
export interface ConnectOptions {
  logger: Logger;
  /** Token cache file (mode 0600); without it every process authenticates and negotiates. */
  tokenCachePath?: string;
  /** Retries of idempotent calls after the first attempt (default 2). */
  retries?: number;
  userAgent?: string;
  /** Epoch ms after which no request starts and none goes on (the operation's timeout). */
  deadline?: number;
  /** Stops every request in flight and every backoff (SIGTERM). */
  signal?: AbortSignal;
}

/** An OpenStack session that can also release its idle connections. */
export interface OpenStackConnection extends OpenStack {
  /** Closes idle keep-alive sockets; in-flight requests are not affected. */
  close(): void;
}

/**
 * Opens a session. With a fresh token cache entry it sends nothing: the first Nova call is the first request.
 * Otherwise it authenticates (one Keystone request) and reads the compute version document (one request),
 * then stores token, endpoints and microversion for the next process.
 */
export async function connectOpenStack(config: CloudConfig, options: ConnectOptions): Promise<OpenStackConnection> {
  const { logger } = options;
  const transport = new Transport({
    ...config, logger, retries: options.retries, userAgent: options.userAgent, deadline: options.deadline, signal: options.signal,
  });
  const cache = options.tokenCachePath ? new TokenCache(options.tokenCachePath) : undefined;
  const key = identityKey(config);
  const cached = cache?.read(key);
  const usable = cached && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now() ? cached : undefined;
  // The microversion is trusted as long as the token: a Nova upgrade or downgrade is seen within one token lifetime.
  let microversion = usable?.microversion;

  const save = (state: SessionState): void => {
    if (!cache || !microversion) return;
    const entry: CachedSession = { ...state, microversion };
    try {
      cache.write(key, entry);
    } catch (error) {
      logger.warn({ path: cache.path, code: (error as { code?: string }).code }, "cannot write the OpenStack token cache");
    }
  };
  const session = new Session(transport, config, { initial: usable, onRenew: save });
  logger.debug({ cache: cache ? (usable ? "hit" : "miss") : "off" }, "openstack session");

  try {
    if (!microversion) {
      const state = await session.current();
      microversion = await negotiateMicroversion(transport, state.endpoints.compute, state.projectId);
      save(state);
    }
  } catch (error) {
    transport.close();
    throw error;
  }

  return {
    compute: createComputeApi(session, microversion),
    image: createImageApi(session),
    requestCounts: transport.requestCounts,
    close: () => transport.close(),
  };
}
