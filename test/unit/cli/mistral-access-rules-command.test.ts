import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { accessRulesCommand } from "../../../src/cli/mistral-access-rules-command.js";
import { novaHa } from "../../../src/cli/nova-ha.js";
import { attrdUpdater } from "../../../src/pacemaker/attrd.js";
import { mistralAccessRules } from "../../../src/recovery/drivers/mistral-access-rules.js";
import { startFakeBackends, type FakeBackends } from "../openstack/masakari/fake-backends.js";

let fake: FakeBackends | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const silent = { log: pino({ level: "silent" }) };

describe("nova-ha mistral access-rules", () => {
  it("prints the rules for the given endpoints without asking Keystone, one rule a line, as JSON openstack takes", async () => {
    const run = await accessRulesCommand({ computeUrl: "http://controller:8774/v2.1", workflowUrl: "http://controller:8989/v2/" }, { env: {}, ...silent });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout ?? "")).toEqual(mistralAccessRules({ compute: "/v2.1", workflowv2: "/v2" }));
    expect(run.stdout).toMatch(/^\[\n {2}\{"service":"workflowv2","method":"GET","path":"\/v2\/executions\/\*"\},\n/);
  });

  it("reads the endpoint paths from the catalog of the credentials given", async () => {
    fake = await startFakeBackends(() => ({ status: 500 }));
    const env = {
      OS_AUTH_URL: `${fake.server.url}/v3`, OS_USERNAME: "admin", OS_PASSWORD: "secret", OS_PROJECT_NAME: "admin",
      OS_USER_DOMAIN_NAME: "Default", OS_PROJECT_DOMAIN_NAME: "Default", OS_INTERFACE: "public",
    };
    const run = await accessRulesCommand({ interface: "public" }, { env, ...silent });
    // The fake's catalog: compute at /compute/v2.1, Mistral at /mistral/v2.
    expect(JSON.parse(run.stdout ?? "")).toEqual(mistralAccessRules({ compute: "/compute/v2.1", workflowv2: "/mistral/v2" }));
    expect(fake.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v3/auth/tokens"]);
  });

  it("refuses an endpoint that is not a URL with one line and the usage exit code", async () => {
    const run = await novaHa(["mistral", "access-rules", "--compute-url", "controller:8774", "--workflow-url", "http://c:8989/v2"],
      { env: {}, makeLog: () => pino({ level: "silent" }), attrd: () => attrdUpdater() });
    expect(run.exitCode).toBe(2);
    expect(run.stdout ?? "").toBe("");
    expect(run.stderr).toBe("nova-ha: controller:8774 is not an http(s) URL: give the endpoint as the catalog lists it, e.g. http://controller:8774/v2.1\n");
  });
});
