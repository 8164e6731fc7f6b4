import { AxiosError, AxiosHeaders } from "axios";
import { describe, expect, it } from "vitest";
import { configError, fromAxiosError, kindOfStatus, OpenStackError, scrub } from "../../../src/openstack/errors.js";

function httpError(status: number, data: unknown, headers: Record<string, string> = {}): AxiosError {
  const config = { headers: new AxiosHeaders() };
  return new AxiosError("failed", "ERR_BAD_RESPONSE", config, undefined, {
    status,
    statusText: "",
    data,
    headers,
    config,
  });
}

function networkError(code: string): AxiosError {
  return new AxiosError(`boom ${code}`, code);
}

const ctx = { service: "compute" as const, method: "GET", url: "http://nova:8774/v2.1/os-services?binary=nova-compute", readTimeoutMs: 60_000, connectTimeoutMs: 10_000 };

describe("error kinds", () => {
  it.each([
    [400, "bad-request"],
    [401, "auth"],
    [403, "forbidden"],
    [404, "not-found"],
    [406, "unsupported"],
    [409, "conflict"],
    [418, "bad-request"],
    [429, "server"],
    [500, "server"],
    [501, "unsupported"],
    [503, "server"],
    [302, "invalid-response"],
  ])("HTTP %i is of kind %s", (status, kind) => {
    expect(kindOfStatus(status)).toBe(kind);
  });

  it.each([
    ["ECONNREFUSED", "unreachable"],
    ["ENOTFOUND", "unreachable"],
    ["ECONNRESET", "unreachable"],
    ["ETIMEDOUT", "timeout"],
    ["ECONNABORTED", "timeout"],
    ["OS_CONNECT_TIMEOUT", "timeout"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "unreachable"],
  ])("network error %s is of kind %s", (code, kind) => {
    const error = fromAxiosError(networkError(code), ctx);
    expect(error.kind).toBe(kind);
    expect(error.code).toBe(code);
  });
});

describe("error messages", () => {
  it("say what Keystone refused and what to check, with the request id", () => {
    const error = fromAxiosError(httpError(401, { error: { message: "The request you have made requires authentication." } }, { "x-openstack-request-id": "req-42" }), {
      ...ctx, service: "identity", method: "POST", url: "http://ks:5000/v3/auth/tokens",
    });
    expect(error.message).toMatch(/^Keystone rejected the credentials \(HTTP 401, req-42\): .*check username, password and project/);
    expect(error).toMatchObject({ kind: "auth", status: 401, requestId: "req-42", service: "identity", method: "POST", path: "/v3/auth/tokens" });
  });

  it("quote Nova's own explanation and take the compute request id", () => {
    const body = { badRequest: { code: 400, message: "Compute service of compute-4 is still in use." } };
    const error = fromAxiosError(httpError(400, body, { "x-compute-request-id": "req-c" }), { ...ctx, method: "POST", url: "http://nova/v2.1/servers/x/action" });
    expect(error.message).toContain("Nova refused as invalid POST /v2.1/servers/x/action (HTTP 400, req-c): Compute service of compute-4 is still in use.;");
  });

  it("fit on one line and never contain a secret", () => {
    const body = { error: { message: "bad password hunter22\nline two with token tok-ABCDEF" } };
    const error = fromAxiosError(httpError(400, body), { ...ctx, secrets: ["hunter22", "tok-ABCDEF"] });
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message).not.toContain("hunter22");
    expect(error.message).not.toContain("tok-ABCDEF");
    expect(error.message).toContain("***");
  });

  it("name the timeout that passed", () => {
    expect(fromAxiosError(networkError("ETIMEDOUT"), ctx).message).toMatch(/^Nova did not answer GET \/v2\.1\/os-services within 60 s/);
    expect(fromAxiosError(networkError("OS_CONNECT_TIMEOUT"), ctx).message).toMatch(/^could not connect to Nova at http:\/\/nova:8774 within 10 s/);
  });

  it("point at the CA bundle when TLS verification fails", () => {
    expect(fromAxiosError(networkError("UNABLE_TO_VERIFY_LEAF_SIGNATURE"), ctx).message).toMatch(/TLS verification .* OS_CACERT/);
  });

  it("tell the unreachable endpoint", () => {
    expect(fromAxiosError(networkError("ECONNREFUSED"), ctx).message).toMatch(/^cannot reach Nova at http:\/\/nova:8774 for GET \/v2\.1\/os-services: ECONNREFUSED; check the endpoint URL/);
  });

  it("quote only the first line of a failure that is not axios's, never its stack", () => {
    const failure = new Error("\nsocket closed by the proxy\n    at Socket.onclose (node:net:1:1)");
    expect(fromAxiosError(failure, ctx).message).toMatch(/^Nova call GET \/v2\.1\/os-services failed: socket closed by the proxy; /);
    expect(fromAxiosError(failure, ctx).message).not.toContain("Socket.onclose");
    const network = Object.assign(new AxiosError("connect failed\n    at TCPConnectWrap (node:net:2:2)"), { code: undefined });
    expect(fromAxiosError(network, ctx).message).toMatch(/^cannot reach Nova at http:\/\/nova:8774 for GET \/v2\.1\/os-services: connect failed; /);
  });

  it("blame the service config when a fresh token is refused by Nova", () => {
    expect(fromAxiosError(httpError(401, {}), ctx).message).toMatch(/Nova rejected the token .*keystone_authtoken/);
  });
});

describe("configError", () => {
  it("is an OpenStackError of kind config with the given hint", () => {
    const error = configError("auth_url is not set", "give auth_url");
    expect(error).toBeInstanceOf(OpenStackError);
    expect(error.kind).toBe("config");
    expect(error.message).toBe("auth_url is not set: give auth_url");
  });
});

describe("scrub", () => {
  it("ignores very short values that would mangle the text", () => {
    expect(scrub("abc def", ["a"])).toBe("abc def");
  });
});
