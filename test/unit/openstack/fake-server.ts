// A programmable local HTTP(S) server for the OpenStack client tests: records requests, answers per handler.
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { pino, type Logger } from "pino";

/** A request as the server saw it. */
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** The client's port: equal ports mean a reused connection. */
  remotePort?: number;
}

/** An answer; "hang" never answers, "destroy" drops the connection. */
export type FakeReply =
  | { status?: number; headers?: Record<string, string>; body?: unknown; raw?: string }
  | "hang"
  | "destroy";

/** Decides the answer of a request. */
export type FakeHandler = (req: FakeRequest) => FakeReply | Promise<FakeReply>;

/** A running fake server. */
export interface FakeServer {
  url: string;
  port: number;
  requests: FakeRequest[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 (HTTPS when key and cert are given). */
export async function startFakeServer(handler: FakeHandler, tls?: { key: string; cert: string }): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        // keep the raw text
      }
      const recorded: FakeRequest = { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers, body, remotePort: req.socket.remotePort };
      requests.push(recorded);
      void Promise.resolve(handler(recorded)).then((reply) => answer(res, reply));
    });
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(res: http.ServerResponse, reply: FakeReply): void {
  if (reply === "hang") return;
  if (reply === "destroy") {
    res.socket?.destroy();
    return;
  }
  const raw = reply.raw ?? (reply.body === undefined ? "" : JSON.stringify(reply.body));
  const type = reply.raw === undefined ? { "Content-Type": "application/json" } : {};
  res.writeHead(reply.status ?? 200, { ...type, ...reply.headers });
  res.end(raw);
}

/** A pino logger at debug level whose lines are kept in memory (parsed). */
export function memoryLogger(): { logger: Logger; lines: Array<Record<string, unknown>>; text: () => string } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(chunk.toString("utf8"));
      done();
    },
  });
  const logger = pino({ level: "debug" }, stream);
  return {
    logger,
    get lines() {
      return raw.join("").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    text: () => raw.join(""),
  };
}
