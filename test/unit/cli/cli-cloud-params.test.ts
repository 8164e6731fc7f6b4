import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cloudConfigFromParams } from "../../../src/agents/openstack-session.js";
import { cliCloudParams } from "../../../src/cli/cli-cloud-params.js";

const CREDENTIALS = { OS_AUTH_URL: "http://keystone.test/v3", OS_USERNAME: "admin", OS_PASSWORD: "pw", OS_PROJECT_NAME: "admin" };

/** A clouds.yaml with one cloud "c" using `iface`. */
function cloudsYaml(iface: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "nova-ha-cli-")), "clouds.yaml");
  writeFileSync(file, `clouds:\n  c:\n    auth: {auth_url: http://keystone.test/v3, username: admin, password: pw, project_name: admin}\n    interface: ${iface}\n`);
  return file;
}

describe("the nova-ha CLI's catalog interface", () => {
  it.each([
    { title: "--interface wins over OS_INTERFACE", options: { interface: "admin" }, env: { ...CREDENTIALS, OS_INTERFACE: "public" }, expected: "admin" },
    { title: "OS_INTERFACE applies without --interface", options: {}, env: { ...CREDENTIALS, OS_INTERFACE: "public" }, expected: "public" },
    { title: "OS_ENDPOINT_TYPE applies without --interface", options: {}, env: { ...CREDENTIALS, OS_ENDPOINT_TYPE: "adminURL" }, expected: "admin" },
    { title: "clouds.yaml's interface applies without --interface", options: { cloud: "c" }, env: { OS_CLIENT_CONFIG_FILE: cloudsYaml("public") }, expected: "public" },
    { title: "internal when nothing says", options: {}, env: CREDENTIALS, expected: "internal" },
  ])("$title", async ({ options, env, expected }) => {
    expect((await cloudConfigFromParams(cliCloudParams(options), env)).interface).toBe(expected);
  });
});
