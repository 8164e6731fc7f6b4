import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { OpenStackError } from "../../../src/openstack/errors.js";
import { Transport } from "../../../src/openstack/http.js";
import { authRequestBody, identityV3Url, requestToken } from "../../../src/openstack/keystone.js";
import type { CloudConfig } from "../../../src/openstack/types.js";
import { FAKE_APP_CRED, startFakeCloud, type FakeCloud } from "./fake-cloud.js";

const base: CloudConfig = { authUrl: "http://k:5000", interface: "internal", insecure: false, connectTimeoutMs: 1000, readTimeoutMs: 1000 };

describe("identityV3Url", () => {
  it.each([
    ["http://k:5000", "http://k:5000/v3"],
    ["http://k:5000/", "http://k:5000/v3"],
    ["http://k:5000/v3", "http://k:5000/v3"],
    ["http://k:5000/v3/", "http://k:5000/v3"],
    ["http://k:5000/v2.0", "http://k:5000/v3"],
    ["https://cloud/identity", "https://cloud/identity/v3"],
  ])("%s → %s", (input, output) => {
    expect(identityV3Url(input)).toBe(output);
  });
});

describe("authRequestBody", () => {
  it("scopes a password login by names and domain names", () => {
    const body = authRequestBody({ ...base, username: "u", password: "p", userDomainName: "UD", projectName: "pr", projectDomainName: "PD" });
    expect(body).toEqual({
      auth: {
        identity: { methods: ["password"], password: { user: { name: "u", domain: { name: "UD" }, password: "p" } } },
        scope: { project: { name: "pr", domain: { name: "PD" } } },
      },
    });
  });

  it("prefers ids over names for user, domains and project", () => {
    const body = authRequestBody({ ...base, userId: "uid", username: "u", password: "p", projectId: "pid", projectName: "pr" }) as {
      auth: { identity: { password: { user: unknown } }; scope: unknown };
    };
    expect(body.auth.identity.password.user).toEqual({ id: "uid", password: "p" });
    expect(body.auth.scope).toEqual({ project: { id: "pid" } });
    const byDomainId = authRequestBody({ ...base, username: "u", password: "p", userDomainId: "d1", userDomainName: "D", projectName: "x", projectDomainId: "d2" }) as {
      auth: { identity: { password: { user: { domain: unknown } } }; scope: { project: { domain: unknown } } };
    };
    expect(byDomainId.auth.identity.password.user.domain).toEqual({ id: "d1" });
    expect(byDomainId.auth.scope.project.domain).toEqual({ id: "d2" });
  });

  it("sends an application credential by id without a scope", () => {
    expect(authRequestBody({ ...base, applicationCredentialId: "ac", applicationCredentialSecret: "s" })).toEqual({
      auth: { identity: { methods: ["application_credential"], application_credential: { id: "ac", secret: "s" } } },
    });
  });

  it("sends an application credential by name with its user", () => {
    const body = authRequestBody({ ...base, applicationCredentialName: "n", applicationCredentialSecret: "s", username: "u", userDomainName: "Default" });
    expect(body).toEqual({
      auth: {
        identity: {
          methods: ["application_credential"],
          application_credential: { name: "n", secret: "s", user: { name: "u", domain: { name: "Default" } } },
        },
      },
    });
  });
});

describe("requestToken against a fake Keystone", () => {
  let cloud: FakeCloud | undefined;
  let transport: Transport | undefined;
  afterEach(async () => {
    transport?.close();
    await cloud?.close();
  });

  async function setup(): Promise<{ cloud: FakeCloud; transport: Transport }> {
    cloud = await startFakeCloud();
    transport = new Transport({ connectTimeoutMs: 1000, readTimeoutMs: 1000, logger: pino({ level: "silent" }), retries: 0 });
    return { cloud, transport };
  }

  it("returns the token, expiry, project and catalog", async () => {
    const { cloud, transport } = await setup();
    const grant = await requestToken(transport, cloud.config());
    expect(grant.token).toBe(cloud.issued[0]);
    expect(grant.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
    expect(grant.projectId).toBe("p-admin");
    expect(grant.catalog.map((s) => s.type)).toEqual(["compute", "image"]);
    expect(cloud.requests[0]?.path).toBe("/identity/v3/auth/tokens");
  });

  it("authenticates with an application credential", async () => {
    const { cloud, transport } = await setup();
    const config = cloud.config({ username: undefined, password: undefined, applicationCredentialId: FAKE_APP_CRED.id, applicationCredentialSecret: FAKE_APP_CRED.secret });
    expect((await requestToken(transport, config)).token).toBe(cloud.issued[0]);
  });

  it("reports wrong credentials as kind auth without the password", async () => {
    const { cloud, transport } = await setup();
    const error = await requestToken(transport, cloud.config({ password: "wrong-password-1" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenStackError);
    expect((error as OpenStackError).kind).toBe("auth");
    expect((error as OpenStackError).message).toMatch(/^Keystone rejected the credentials \(HTTP 401\)/);
    expect((error as OpenStackError).message).not.toContain("wrong-password-1");
  });

  it.each([
    ["no X-Subject-Token header", { status: 201, body: { token: { expires_at: "2099-01-01T00:00:00Z", catalog: [] } } }, /no X-Subject-Token header/],
    ["a body that is not a token", { status: 201, headers: { "X-Subject-Token": "t" }, body: { nope: 1 } }, /unexpected answer.*token: /],
    ["a token without catalog", { status: 201, headers: { "X-Subject-Token": "t" }, body: { token: { expires_at: "2099-01-01T00:00:00Z" } } }, /without a service catalog/],
    ["a bad expiry", { status: 201, headers: { "X-Subject-Token": "t" }, body: { token: { expires_at: "soon", catalog: [] } } }, /expires_at "soon" is not a time/],
  ])("rejects an answer with %s", async (_name, reply, message) => {
    const { cloud, transport } = await setup();
    cloud.keystone(() => reply);
    await expect(requestToken(transport, cloud.config())).rejects.toThrow(message);
  });
});
