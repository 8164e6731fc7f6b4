// Keep-alive HTTP(S) agents that bound the connect phase (TCP + TLS handshake) with their own timer.
//
// Why a separate timer: axios' `timeout` (used as the read timeout) is an idle timer on the socket that
// Node only arms once the socket is connected, plus, with maxRedirects 0, a wall-clock timer up to the
// response headers. Neither tells "cannot connect" from "slow answer", and an unreachable address
// would otherwise wait for the kernel's SYN retries (about two minutes). The agents below destroy a new
// socket that is not connected (and, for HTTPS, through the handshake) within connectTimeoutMs, with
// the error code OS_CONNECT_TIMEOUT. Reused keep-alive sockets skip the connect phase and the timer.
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import { OpenStackError } from "./errors.js";

/** TLS and timeout settings of the agents. */
export interface AgentOptions {
  connectTimeoutMs: number;
  /** Path of a PEM CA bundle to trust instead of the system store. */
  caBundle?: string;
  /** true disables certificate verification. */
  insecure?: boolean;
}

/** The pair of agents axios uses. */
export interface Agents {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
  /** Closes idle keep-alive sockets. */
  destroy(): void;
}

type Connect = (options: never, callback?: (err: Error | null, stream: Duplex) => void) => Duplex | null | undefined;

/** Arms the connect timer on a fresh socket; `readyEvent` is "connect" or "secureConnect". */
function guardConnect(socket: Duplex | null | undefined, timeoutMs: number, readyEvent: string): void {
  if (!socket) return;
  const timer = setTimeout(() => {
    const error = Object.assign(new Error(`connect timeout after ${timeoutMs} ms`), { code: "OS_CONNECT_TIMEOUT" });
    socket.destroy(error);
  }, timeoutMs);
  const clear = (): void => clearTimeout(timer);
  socket.once(readyEvent, clear);
  socket.once("close", clear);
  socket.once("error", clear);
}

/** Wraps an agent's createConnection with the connect timer. */
function withConnectTimer<A extends http.Agent>(agent: A, timeoutMs: number, readyEvent: string): A {
  const original = (agent as unknown as { createConnection: Connect }).createConnection.bind(agent);
  (agent as unknown as { createConnection: Connect }).createConnection = (options, callback) => {
    const socket = original(options, callback);
    guardConnect(socket, timeoutMs, readyEvent);
    return socket;
  };
  return agent;
}

/** Builds the keep-alive agents with connect timeout, CA bundle and verification settings. */
export function createAgents(options: AgentOptions): Agents {
  let ca: Buffer | undefined;
  if (options.caBundle) {
    try {
      ca = readFileSync(options.caBundle);
    } catch (error) {
      const code = (error as { code?: string }).code ?? "unreadable";
      throw new OpenStackError({ kind: "environment", what: `CA bundle ${options.caBundle} cannot be read on this node (${code})`, hint: "check cacert / OS_CACERT" });
    }
  }
  const common = { keepAlive: true, maxSockets: 16 };
  const httpAgent = withConnectTimer(new http.Agent(common), options.connectTimeoutMs, "connect");
  const httpsAgent = withConnectTimer(
    new https.Agent({ ...common, ca, rejectUnauthorized: !options.insecure }),
    options.connectTimeoutMs,
    "secureConnect",
  );
  return {
    httpAgent,
    httpsAgent,
    destroy() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
