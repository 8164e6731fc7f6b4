// An HTTP proxy in front of the simulator that records every request (method, URL, JSON body) the client sends through it.
import { type IncomingMessage, type Server, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

/** One recorded request. */
export interface RecordedRequest {
  method: string;
  /** Path and query. */
  url: string;
  /** The parsed JSON body, or undefined. */
  body: unknown;
}

/** A running proxy. */
export interface RecordingProxy {
  /** http://127.0.0.1:PORT; use it in place of the simulator's base URL. */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * Starts a proxy to `target` (the simulator's base URL). The Host header is passed on unchanged, so the
 * simulator's catalog and links name the proxy and every later request comes through it too.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      let body: unknown;
      try {
        body = raw.length > 0 ? JSON.parse(raw.toString("utf8")) : undefined;
      } catch {
        body = raw.toString("utf8");
      }
      requests.push({ method: req.method ?? "GET", url: req.url ?? "/", body });
      const forward = request(
        { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on("error", (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      forward.end(raw);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
