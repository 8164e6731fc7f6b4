// The HTTP front: routes each request to Keystone, Nova, Glance or the control API, with auth, microversions and logging.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimCloud } from "./cloud-state.js";
import { controlRoutes } from "./control.js";
import { NOVA_UNEXPECTED, glanceError, keystoneError, novaFault, tokenRejected } from "./fault-bodies.js";
import { novaFlavorRoutes } from "./flavors.js";
import { glanceRoutes } from "./glance.js";
import { type CompiledRoute, HttpError, type SimRequest, type SimResponse, compileRoutes, matchRoute } from "./http-kit.js";
import { keystoneRoutes } from "./keystone.js";
import { formatMicroversion, negotiate, versionHeaders } from "./microversion.js";
import { novaMigrationRoutes } from "./migrations.js";
import { novaActionRoutes } from "./nova-evacuate.js";
import { novaHypervisorRoutes } from "./nova-hypervisors.js";
import { novaServerRoutes } from "./nova-servers.js";
import { novaServiceRoutes } from "./nova-services.js";
import { novaVersionRoutes } from "./nova-versions.js";
import { requestDelay } from "./timers.js";

const MAX_BODY_BYTES = 1 << 20;

/** The message of an injected 5xx. */
const INJECTED_FAULT = "Injected fault: the service is unavailable.";

/** One API service behind a path prefix, with its error dialect. */
interface ServiceDef {
  name: string;
  prefix: string;
  routes: CompiledRoute[];
  /** Requests need a valid X-Auth-Token (unless the route is public). */
  auth: boolean;
  /** Nova microversion negotiation applies. */
  microversioned: boolean;
  /** Recorded in the request log and counters. */
  counted: boolean;
  error: (status: number, message: string) => SimResponse;
}

function services(cloud: SimCloud): ServiceDef[] {
  return [
    { name: "identity", prefix: "/identity", routes: compileRoutes(keystoneRoutes(cloud)), auth: false, microversioned: false, counted: true, error: keystoneError },
    {
      name: "compute",
      prefix: "/compute",
      routes: compileRoutes([
        ...novaVersionRoutes(cloud),
        ...novaServiceRoutes(cloud),
        ...novaServerRoutes(cloud),
        ...novaActionRoutes(cloud),
        ...novaMigrationRoutes(cloud),
        ...novaFlavorRoutes(cloud),
        ...novaHypervisorRoutes(cloud),
      ]),
      auth: true,
      microversioned: true,
      counted: true,
      error: novaFault,
    },
    { name: "image", prefix: "/image", routes: compileRoutes(glanceRoutes(cloud)), auth: true, microversioned: false, counted: true, error: glanceError },
    { name: "control", prefix: "/_sim", routes: compileRoutes(controlRoutes(cloud)), auth: false, microversioned: false, counted: false, error: (status, message) => ({ status, body: { error: message } }) },
  ];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new Error("body too large"));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

async function dispatch(cloud: SimCloud, svc: ServiceDef, req: SimRequest, route: CompiledRoute): Promise<SimResponse> {
  if (svc.auth && !route.public) {
    const token = cloud.identity.validate(req.headers["x-auth-token"] as string | undefined);
    if (!token) return tokenRejected(req.origin);
    req.token = token;
  }
  if (svc.microversioned && !route.unversioned) {
    const n = negotiate(req.headers, cloud.config.maxMicroversion);
    if (!n.ok) {
      const fault = novaFault(n.status, n.message);
      return n.echo ? { ...fault, headers: versionHeaders(n.echo) } : fault;
    }
    req.version = n.version;
  }
  let response: SimResponse;
  try {
    response = await route.handler(req);
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    response = e.response;
  }
  return req.version ? { ...response, headers: { ...versionHeaders(req.version), ...response.headers } } : response;
}

function send(res: ServerResponse, response: SimResponse, extraHeaders: Record<string, string>): void {
  const headers: Record<string, string> = { ...extraHeaders, ...response.headers };
  let payload = "";
  if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    headers["Content-Type"] = "application/json";
  }
  headers["Content-Length"] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** A node:http request listener serving the whole simulated cloud. */
export function createRequestListener(cloud: SimCloud, defaultOrigin: () => string): (req: IncomingMessage, res: ServerResponse) => void {
  const table = services(cloud);
  return (req, res) => {
    void (async () => {
      const started = Date.now();
      const requestId = `req-${randomUUID()}`;
      const url = new URL(req.url ?? "/", "http://sim");
      const svc = table.find((s) => url.pathname === s.prefix || url.pathname.startsWith(`${s.prefix}/`));
      const method = req.method ?? "GET";
      const fault = svc?.counted ? cloud.netFaults.draw(svc.name, method, Date.now()) : undefined;
      let routeKey = `${method} unmatched`;
      let response: SimResponse;
      const simReq: SimRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: undefined,
        origin: req.headers.host ? `http://${req.headers.host}` : defaultOrigin(),
        params: {},
      };
      try {
        const raw = await readBody(req);
        if (!svc) throw new HttpError({ status: 404, body: { error: `no service at ${url.pathname}` } });
        try {
          simReq.body = raw.length > 0 ? JSON.parse(raw) : undefined;
        } catch {
          throw new HttpError(svc.error(400, "Malformed request body"));
        }
        const match = matchRoute(svc.routes, method, url.pathname);
        if (match === "not-found") throw new HttpError(svc.error(404, "The resource could not be found."));
        if (match === "method-not-allowed") throw new HttpError(svc.error(405, "The method specified is not allowed for this resource."));
        routeKey = match.route.key;
        simReq.params = match.params;
        if (fault && !fault.after) response = svc.error(fault.status ?? 503, INJECTED_FAULT); // a dropped request is never processed
        else response = await dispatch(cloud, svc, simReq, match.route);
        if (fault?.after && fault.status !== undefined) response = svc.error(fault.status, INJECTED_FAULT);
      } catch (e) {
        if (e instanceof HttpError) response = e.response;
        else {
          process.stderr.write(`sim: ${method} ${url.pathname}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
          response = svc?.name === "compute" ? novaFault(500, NOVA_UNEXPECTED) : (svc?.error ?? keystoneError)(500, "An unexpected error prevented the server from fulfilling your request.");
        }
      }
      const delay = (cloud.config.routeDelayMs[routeKey] ?? (svc ? (cloud.config.responseDelayMs[svc.name] ?? 0) : 0)) + (svc?.counted ? cloud.netFaults.latencyMs() : 0);
      if (delay > 0) await requestDelay(delay);
      if (fault && fault.status === undefined) {
        // A reset closes the connection at once; a hang holds it until the client gives up (or hangMs passes).
        if (fault.kind === "hang") await requestDelay(cloud.netFaults.hangMs());
        res.socket?.destroy();
        return;
      }
      const ids: Record<string, string> = { "x-openstack-request-id": requestId };
      if (svc?.name === "compute") ids["x-compute-request-id"] = requestId;
      if (!res.destroyed) send(res, response, ids);
      if (svc?.counted) {
        cloud.log.record({
          at: started,
          method,
          path: req.url ?? "",
          service: svc.name,
          route: routeKey,
          status: response.status,
          durationMs: Date.now() - started,
          requestId,
          ...(simReq.version ? { microversion: formatMicroversion(simReq.version) } : {}),
        });
      }
    })();
  };
}
