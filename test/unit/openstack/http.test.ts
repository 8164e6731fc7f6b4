import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OpenStackError } from "../../../src/openstack/errors.js";
import { Transport, type TransportOptions } from "../../../src/openstack/http.js";
import { memoryLogger, startFakeServer, type FakeHandler, type FakeServer } from "./fake-server.js";
import { createTlsFixture, type TlsFixture } from "./tls-fixture.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function serve(handler: FakeHandler, tls?: { key: string; cert: string }): Promise<FakeServer> {
  const server = await startFakeServer(handler, tls);
  cleanups.push(() => server.close());
  return server;
}

function transport(overrides: Partial<TransportOptions> = {}): { t: Transport; sleeps: number[]; log: ReturnType<typeof memoryLogger> } {
  const sleeps: number[] = [];
  const log = memoryLogger();
  const t = new Transport({
    connectTimeoutMs: 1_000,
    readTimeoutMs: 1_000,
    logger: log.logger,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
  cleanups.push(() => t.close());
  return { t, sleeps, log };
}

async function failure(promise: Promise<unknown>): Promise<OpenStackError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OpenStackError) return error;
    throw error;
  }
  throw new Error("the request succeeded");
}

/** Answers the listed statuses in turn, then 200. */
function sequence(...statuses: number[]): FakeHandler {
  let i = 0;
  return () => {
    const status = statuses[i++];
    return status === undefined ? { body: { ok: true } } : { status, body: { error: { message: `status ${status}` } } };
  };
}

describe("Transport retries", () => {
  it("retries a GET on 503 with exponential backoff until it succeeds", async () => {
    const server = await serve(sequence(503, 502));
    const { t, sleeps } = transport();
    const res = await t.request({ service: "compute", method: "GET", url: `${server.url}/x` });
    expect(res.data).toEqual({ ok: true });
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([250, 500]);
    expect(t.requestCounts).toEqual({ compute: 3 });
  });

  it("gives up after the configured retries with the last error", async () => {
    const server = await serve(() => ({ status: 500, body: { computeFault: { message: "boom" } } }));
    const { t } = transport({ retries: 3 });
    const error = await failure(t.request({ service: "compute", method: "GET", url: `${server.url}/x` }));
    expect(error.kind).toBe("server");
    expect(server.requests).toHaveLength(4);
  });

  it("never retries a POST unless marked idempotent", async () => {
    const server = await serve(sequence(503));
    const { t } = transport();
    await failure(t.request({ service: "compute", method: "POST", url: `${server.url}/x`, body: {} }));
    expect(server.requests).toHaveLength(1);
    await t.request({ service: "identity", method: "POST", url: `${server.url}/x`, body: {}, idempotent: true });
    expect(server.requests).toHaveLength(2);
  });

  it.each([400, 401, 404, 409, 501])("does not retry HTTP %i", async (status) => {
    const server = await serve(sequence(status));
    const { t } = transport();
    const error = await failure(t.request({ service: "compute", method: "PUT", url: `${server.url}/x`, body: {} }));
    expect(error.status).toBe(status);
    expect(server.requests).toHaveLength(1);
  });

  it("waits as long as Retry-After says when it is short", async () => {
    const server = await serve((req) => (server.requests.length === 1 ? { status: 503, headers: { "Retry-After": "2" } } : { body: {} }));
    const { t, sleeps } = transport();
    await t.request({ service: "image", method: "GET", url: `${server.url}/x` });
    expect(sleeps).toEqual([2000]);
  });

  it("retries a refused connection and then reports the endpoint unreachable", async () => {
    const server = await startFakeServer(() => ({ body: {} }));
    await server.close();
    const { t, sleeps } = transport();
    const error = await failure(t.request({ service: "compute", method: "GET", url: `${server.url}/os-services` }));
    expect(error.kind).toBe("unreachable");
    expect(error.code).toBe("ECONNREFUSED");
    expect(error.message).toContain(`cannot reach Nova at ${server.url}`);
    expect(sleeps).toHaveLength(2);
    expect(t.requestCounts.compute).toBe(3);
  });
});

describe("Transport timeouts", () => {
  it("stops waiting for an answer after the read timeout", async () => {
    const server = await serve(() => "hang");
    const { t } = transport({ readTimeoutMs: 300, retries: 0 });
    const started = Date.now();
    const error = await failure(t.request({ service: "compute", method: "GET", url: `${server.url}/slow` }));
    expect(error.kind).toBe("timeout");
    expect(error.message).toMatch(/^Nova did not answer GET \/slow within 0.3 s/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("bounds the connect phase (TCP and TLS handshake) with the connect timeout", async () => {
    // A TCP server that accepts and never speaks TLS: the handshake never completes.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => { sockets.forEach((s) => s.destroy()); silent.close(() => resolve()); }));
    const port = (silent.address() as AddressInfo).port;
    const { t } = transport({ connectTimeoutMs: 200, readTimeoutMs: 5_000, retries: 0 });
    const started = Date.now();
    const error = await failure(t.request({ service: "identity", method: "GET", url: `https://127.0.0.1:${port}/v3` }));
    expect(error.kind).toBe("timeout");
    expect(error.code).toBe("OS_CONNECT_TIMEOUT");
    expect(error.message).toMatch(/^could not connect to Keystone at https:\/\/127\.0\.0\.1:\d+ within 0.2 s/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe("Transport TLS", () => {
  let tls: TlsFixture;
  beforeAll(() => {
    tls = createTlsFixture();
  });
  afterAll(() => tls.remove());

  it("trusts a server signed by the given CA bundle", async () => {
    const server = await serve(() => ({ body: { tls: true } }), tls);
    const { t } = transport({ caBundle: tls.caPath });
    expect((await t.request({ service: "compute", method: "GET", url: `${server.url}/` })).data).toEqual({ tls: true });
  });

  it("refuses an unknown CA once, without retrying, and says how to fix it", async () => {
    const server = await serve(() => ({ body: {} }), tls);
    const { t } = transport();
    const error = await failure(t.request({ service: "compute", method: "GET", url: `${server.url}/` }));
    expect(error.kind).toBe("unreachable");
    expect(error.message).toMatch(/^TLS verification of https:\/\/127\.0\.0\.1:\d+ failed .*OS_CACERT/);
    expect(t.requestCounts.compute).toBe(1);
  });

  it("accepts any certificate when insecure", async () => {
    const server = await serve(() => ({ body: { ok: 1 } }), tls);
    const { t } = transport({ insecure: true });
    expect((await t.request({ service: "compute", method: "GET", url: `${server.url}/` })).status).toBe(200);
  });

  it("reports an unreadable CA bundle as a problem of this node, not of the parameters", () => {
    expect(() => transport({ caBundle: `${tls.dir}/missing.pem` })).toThrow(/CA bundle .*missing\.pem cannot be read on this node \(ENOENT\)/);
    expect(() => transport({ caBundle: `${tls.dir}/missing.pem` })).toThrow(expect.objectContaining({ kind: "environment" }));
  });
});

describe("Transport logging and bookkeeping", () => {
  it("logs one line per request with method, path, status and time, and no secret", async () => {
    const server = await serve(() => ({ headers: { "x-openstack-request-id": "req-77" }, body: {} }));
    const { t, log } = transport();
    const res = await t.request({
      service: "identity",
      method: "POST",
      url: `${server.url}/v3/auth/tokens`,
      params: { nocatalog: undefined, a: 1 },
      body: { auth: { password: "hunter22" } },
      headers: { "X-Auth-Token": "tok-SECRET-1" },
    });
    expect(res.requestId).toBe("req-77");
    expect(server.requests[0]?.headers["x-auth-token"]).toBe("tok-SECRET-1");
    const lines = log.lines.filter((l) => l.msg === "openstack request");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ service: "identity", method: "POST", path: "/v3/auth/tokens?a=1", status: 200, requestId: "req-77" });
    expect(typeof lines[0]?.ms).toBe("number");
    expect(log.text()).not.toContain("tok-SECRET-1");
    expect(log.text()).not.toContain("hunter22");
  });

  it("counts requests per service", async () => {
    const server = await serve(() => ({ body: {} }));
    const { t } = transport();
    await t.request({ service: "compute", method: "GET", url: `${server.url}/a` });
    await t.request({ service: "image", method: "GET", url: `${server.url}/b` });
    await t.request({ service: "compute", method: "GET", url: `${server.url}/c` });
    expect(t.requestCounts).toEqual({ compute: 2, image: 1 });
  });

  it("keeps secrets registered with addSecret out of error messages", async () => {
    const server = await serve(() => ({ status: 400, body: { badRequest: { message: "token tok-LEAK is odd" } } }));
    const { t } = transport();
    t.addSecret("tok-LEAK");
    const error = await failure(t.request({ service: "compute", method: "GET", url: `${server.url}/x` }));
    expect(error.message).toContain("token *** is odd");
  });

  it("reuses one keep-alive connection for consecutive requests", async () => {
    const server = await serve(() => ({ body: {} }));
    const { t } = transport();
    for (let i = 0; i < 3; i++) await t.request({ service: "compute", method: "GET", url: `${server.url}/k` });
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((r) => r.remotePort)).size).toBe(1);
  });
});

describe("Transport deadline and abort signal", () => {
  it("gives a hung request no more than what is left of the deadline, retries included", async () => {
    const server = await serve(() => "hang");
    const { t } = transport({ readTimeoutMs: 5_000, retries: 2, sleep: undefined, deadline: Date.now() + 400 });
    const started = Date.now();
    const error = await failure(t.request({ service: "identity", method: "POST", url: `${server.url}/v3/auth/tokens`, idempotent: true }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error.kind).toBe("timeout");
    expect(error.message).toMatch(/^Keystone did not answer POST \/v3\/auth\/tokens before the operation's timeout/);
  });

  it("sends nothing once the deadline has passed, and says so", async () => {
    const server = await serve(() => ({ body: {} }));
    const { t } = transport({ deadline: Date.now() - 1 });
    const error = await failure(t.request({ service: "compute", method: "GET", url: `${server.url}/os-services` }));
    expect(error.kind).toBe("timeout");
    expect(error.message).toMatch(/^no time left to send GET \/os-services to Nova: the operation's timeout has passed/);
    expect(t.requestCounts.compute ?? 0).toBe(0);
    expect(server.requests).toHaveLength(0);
  });

  it("does not sleep a backoff longer than what is left: it gives up with the last error", async () => {
    const server = await serve(sequence(503, 503, 503));
    const { t, sleeps } = transport({ retries: 2, deadline: Date.now() + 100, random: () => 1 });
    const error = await failure(t.request({ service: "compute", method: "GET", url: `${server.url}/x` }));
    expect(error.status).toBe(503);
    expect(sleeps).toEqual([]);
    expect(t.requestCounts.compute).toBe(1);
  });

  it("stops a request in flight when the operation is aborted", async () => {
    const server = await serve(() => "hang");
    const abort = new AbortController();
    const { t } = transport({ readTimeoutMs: 5_000, retries: 2, signal: abort.signal });
    const started = Date.now();
    setTimeout(() => abort.abort(new Error("stopped by SIGTERM")), 100);
    const error = await failure(t.request({ service: "compute", method: "GET", url: `${server.url}/slow` }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error.message).toMatch(/^GET \/slow to Nova was stopped: stopped by SIGTERM/);
    expect(t.requestCounts.compute).toBe(1);
  });
});
