import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { normaliseInterface, resolveCloudConfig } from "../../../src/openstack/cloud-config.js";
import { OpenStackError } from "../../../src/openstack/errors.js";

const PASSWORD_ENV = {
  OS_AUTH_URL: "http://env-keystone:5000/v3",
  OS_USERNAME: "env-user",
  OS_PASSWORD: "env-pass",
  OS_PROJECT_NAME: "env-project",
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cloud-config-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeYaml(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const CLOUDS = `
clouds:
  overcloud:
    auth:
      auth_url: https://yaml-keystone:5000
      username: yaml-user
      project_name: yaml-project
      user_domain_name: YamlDomain
    region_name: RegionTwo
    interface: public
    cacert: /etc/pki/ca.pem
  lab:
    auth:
      auth_url: http://lab:5000
      application_credential_id: ac-id
    auth_type: v3applicationcredential
    verify: false
    regions: [LabRegion]
`;
const SECURE = `
clouds:
  overcloud:
    auth:
      password: yaml-pass
  lab:
    auth:
      application_credential_secret: ac-secret
`;

function errorOf(fn: () => unknown): OpenStackError {
  try {
    fn();
  } catch (error) {
    if (error instanceof OpenStackError) return error;
    throw error;
  }
  throw new Error("no error thrown");
}

describe("resolveCloudConfig from OS_* variables", () => {
  it("reads the variables and fills the defaults", () => {
    const config = resolveCloudConfig({ explicit: {}, env: PASSWORD_ENV, cloudsYamlPaths: [] });
    expect(config).toEqual({
      authUrl: "http://env-keystone:5000/v3",
      username: "env-user",
      password: "env-pass",
      projectName: "env-project",
      userDomainName: "Default",
      projectDomainName: "Default",
      interface: "internal",
      insecure: false,
      connectTimeoutMs: 10_000,
      readTimeoutMs: 60_000,
    });
  });

  it("takes the legacy tenant and endpoint-type names", () => {
    const env = { ...PASSWORD_ENV, OS_PROJECT_NAME: undefined, OS_TENANT_NAME: "tenant", OS_ENDPOINT_TYPE: "publicURL", OS_INSECURE: "true" };
    const config = resolveCloudConfig({ explicit: {}, env, cloudsYamlPaths: [] });
    expect(config).toMatchObject({ projectName: "tenant", interface: "public", insecure: true });
  });

  it("leaves the domains alone when an id is given", () => {
    const env = { ...PASSWORD_ENV, OS_USER_DOMAIN_ID: "d1", OS_PROJECT_DOMAIN_ID: "d2" };
    const config = resolveCloudConfig({ explicit: {}, env, cloudsYamlPaths: [] });
    expect(config).toMatchObject({ userDomainId: "d1", projectDomainId: "d2" });
    expect(config.userDomainName).toBeUndefined();
    expect(config.projectDomainName).toBeUndefined();
  });

  it("chooses application credentials when a secret is set, dropping password fields", () => {
    const env = { OS_AUTH_URL: "http://k:5000", OS_APPLICATION_CREDENTIAL_ID: "id1", OS_APPLICATION_CREDENTIAL_SECRET: "sec", OS_PROJECT_NAME: "p" };
    const config = resolveCloudConfig({ explicit: {}, env, cloudsYamlPaths: [] });
    expect(config).toMatchObject({ applicationCredentialId: "id1", applicationCredentialSecret: "sec" });
    expect(config.projectName).toBeUndefined();
  });
});

describe("resolveCloudConfig with clouds.yaml", () => {
  it("reads the selected cloud and merges secure.yaml from the same directory", () => {
    const clouds = writeYaml("clouds.yaml", CLOUDS);
    writeYaml("secure.yaml", SECURE);
    const config = resolveCloudConfig({ explicit: { cloud: "overcloud" }, env: {}, cloudsYamlPaths: [clouds] });
    expect(config).toMatchObject({
      authUrl: "https://yaml-keystone:5000",
      username: "yaml-user",
      password: "yaml-pass",
      projectName: "yaml-project",
      userDomainName: "YamlDomain",
      projectDomainName: "Default",
      regionName: "RegionTwo",
      interface: "public",
      caBundle: "/etc/pki/ca.pem",
    });
  });

  it("selects the cloud with OS_CLOUD and finds the file with OS_CLIENT_CONFIG_FILE", () => {
    const clouds = writeYaml("my-clouds.yaml", CLOUDS);
    const env = { OS_CLOUD: "lab", OS_CLIENT_CONFIG_FILE: clouds, OS_CLIENT_SECURE_FILE: writeYaml("s.yaml", SECURE), HOME: dir };
    const config = resolveCloudConfig({ explicit: {}, env });
    expect(config).toMatchObject({ applicationCredentialId: "ac-id", applicationCredentialSecret: "ac-secret", insecure: true, regionName: "LabRegion" });
  });

  it("ranks explicit values over clouds.yaml over OS_* variables", () => {
    const clouds = writeYaml("clouds.yaml", CLOUDS);
    writeYaml("secure.yaml", SECURE);
    const env = { ...PASSWORD_ENV, OS_REGION_NAME: "EnvRegion", OS_CACERT: "/env/ca.pem", OS_PROJECT_DOMAIN_NAME: "EnvDomain" };
    const config = resolveCloudConfig({ explicit: { cloud: "overcloud", username: "explicit-user", regionName: "" }, env, cloudsYamlPaths: [clouds] });
    expect(config.username).toBe("explicit-user");
    expect(config.regionName).toBe("RegionTwo");
    expect(config.password).toBe("yaml-pass");
    expect(config.projectDomainName).toBe("EnvDomain");
  });

  it("names the clouds it knows when the cloud is missing", () => {
    const clouds = writeYaml("clouds.yaml", CLOUDS);
    const error = errorOf(() => resolveCloudConfig({ explicit: { cloud: "nope" }, env: {}, cloudsYamlPaths: [clouds] }));
    expect(error.message).toContain(`cloud 'nope' is not in ${clouds} (clouds there: overcloud, lab)`);
    expect(error.kind).toBe("environment");
  });

  it("reports a broken YAML file on one line", () => {
    const clouds = writeYaml("clouds.yaml", "clouds:\n  a: [unclosed\n");
    const error = errorOf(() => resolveCloudConfig({ explicit: { cloud: "a" }, env: {}, cloudsYamlPaths: [clouds] }));
    expect(error.kind).toBe("environment");
    expect(error.message).not.toContain("\n");
  });
});

describe("resolveCloudConfig errors", () => {
  it.each([
    [{}, "auth_url is not set (give auth_url, OS_AUTH_URL or a clouds.yaml cloud)"],
    [{ OS_AUTH_URL: "http://k" }, "username is not set"],
    [{ OS_AUTH_URL: "http://k", OS_USERNAME: "u" }, "password is not set"],
    [{ OS_AUTH_URL: "http://k", OS_USERNAME: "u", OS_PASSWORD: "p" }, "project_name is not set"],
    [{ OS_AUTH_URL: "keystone:5000", OS_USERNAME: "u", OS_PASSWORD: "p", OS_PROJECT_ID: "x" }, "is not an http(s) URL"],
    [{ ...PASSWORD_ENV, OS_INTERFACE: "sideways" }, `interface 'sideways' is unknown`],
    [{ ...PASSWORD_ENV, OS_INSECURE: "maybe" }, `OS_INSECURE='maybe' is not a boolean`],
    [{ ...PASSWORD_ENV, OS_AUTH_TYPE: "v3oidcpassword" }, `auth_type 'v3oidcpassword' is not supported`],
    [{ ...PASSWORD_ENV, OS_INTERFACE: "x".repeat(70_000) }, `interface '${"x".repeat(60)}...' (70000 characters) is unknown`],
    [{ OS_AUTH_URL: "http://k", OS_APPLICATION_CREDENTIAL_NAME: "n", OS_APPLICATION_CREDENTIAL_SECRET: "s" }, "username for application_credential_name is not set"],
  ])("%j fails with %s", (env, message) => {
    const error = errorOf(() => resolveCloudConfig({ explicit: {}, env, cloudsYamlPaths: [] }));
    expect(error.kind).toBe("config");
    expect(error.message).toContain(message);
    expect(error.message).not.toContain("\n");
  });

  it("never quotes the password", () => {
    const error = errorOf(() => resolveCloudConfig({ explicit: {}, env: { OS_PASSWORD: "hunter22", OS_USERNAME: "u", OS_AUTH_URL: "http://k" }, cloudsYamlPaths: [] }));
    expect(error.message).not.toContain("hunter22");
  });

  it("rejects a non-positive timeout", () => {
    expect(() => resolveCloudConfig({ explicit: { readTimeoutMs: 0 }, env: PASSWORD_ENV, cloudsYamlPaths: [] })).toThrow(/readTimeoutMs/);
  });
});

describe("normaliseInterface", () => {
  it.each([
    ["publicURL", "public"],
    ["internalURL", "internal"],
    ["adminURL", "admin"],
    ["public", "public"],
    ["INTERNAL", "internal"],
    [undefined, "internal"],
  ])("%s is %s", (input, output) => {
    expect(normaliseInterface(input)).toBe(output);
  });
});
