// recovery_driver=mistral with backend_cloud an application credential restricted by `nova-ha mistral access-rules` (docs/deploy.md),
// on the real lab: the built NovaEvacuate recovers a killed compute through Mistral with it, and the token Mistral keeps in
// action_executions can do nothing outside the rules and expires. Nova (service_type compute) and Mistral (workflowv2) enforce
// the rules; Neutron (network) lets Nova's calls with it through only with Nova's service token; Masakari is left as packaged
// (no service_type), which refuses any token that carries access rules; Keystone does not enforce them, its policy refuses.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { novaHa } from "../../src/cli/nova-ha.js";
import { attrdUpdater } from "../../src/pacemaker/attrd.js";
import { parseNovaMarker } from "../../src/recovery/host/nova-marker.js";
import type { OcfResource } from "../nova/bundles.js";
import { LAB_DIR, send } from "../nova/lab.js";
import { computeService } from "../nova/lab-compute.js";
import { expectRecoveredOnce, type FencedCompute, killAndFence, monitorUntilDone, restartAndUnfence, useAgentsLab, WORKFLOW } from "./agents-lab.js";
import { LAB_ENV, restoreHost } from "./backend-lab.js";
import { restrictedCredential, RESTRICTED_CLOUD, type RestrictedCredential } from "./restricted-credential.js";

const ctx = useAgentsLab({ mistral: true });
let credential: RestrictedCredential;
/** The token Mistral stored with the evacuate action, read back from its action_executions. */
let stored: string | undefined;

beforeAll(async () => {
  const cli = { env: LAB_ENV, makeLog: () => pino({ level: "silent" }), attrd: () => attrdUpdater() };
  const printed = await novaHa(["mistral", "access-rules", "--interface", "public"], cli);
  expect(printed.exitCode, printed.stderr).toBe(0);
  // The lab's admin installs the workflow; the credential's project (nova-ha-recovery) may run it once it is public.
  const installed = await novaHa(["mistral", "install-workflow", "--file", WORKFLOW, "--public", "--interface", "public"], cli);
  expect(installed.stdout).toMatch(/updated \(.*, public\)/);
  credential = await restrictedCredential(ctx.lab, JSON.parse(printed.stdout ?? ""), 2 * 3600_000);
  const probe = await send(`${credential.endpoints.compute}/os-services?binary=nova-compute`, { token: await credential.token() });
  if (probe.status === 401) {
    throw new Error("nova-api refuses tokens with access rules: it runs without [keystone_authtoken] service_type = compute (nova-up.sh writes it; " +
      "restart the lab: test/lab/backends/backends-down.sh; test/lab/nova/nova-down.sh; test/lab/nova/nova-up.sh)");
  }
});
afterAll(async () => {
  await credential?.remove();
});

/** The X-Auth-Token of the first evacuate action of an execution, as Mistral keeps it (the dedicated user reads its project's records). */
async function storedToken(executionId: string): Promise<string | undefined> {
  const token = await credential.userToken();
  const mistral = credential.endpoints.workflowv2;
  const tasks = (await send(`${mistral}/tasks?workflow_execution_id=${executionId}`, { token })).body.tasks as Array<{ id: string; name: string }>;
  const evacuate = tasks.find((t) => t.name === "evacuate");
  if (!evacuate) return undefined;
  const actions = (await send(`${mistral}/action_executions?task_execution_id=${evacuate.id}`, { token })).body.action_executions as Array<{ id: string; input?: string }>;
  const first = actions[0];
  if (!first) return undefined;
  const input = first.input ?? (await send(`${mistral}/action_executions/${first.id}`, { token })).body.input;
  return JSON.parse(String(input)).headers?.["X-Auth-Token"];
}

describe("recovery_driver=mistral with a short-lived credential restricted to the workflow's calls", () => {
  it("recovers a killed compute through Mistral with backend_cloud the restricted credential, each server evacuated once", async () => {
    let failure: FencedCompute | undefined;
    try {
      failure = await killAndFence(ctx.lab, ctx.attrd, 3);
      const resource = await ctx.novaEvacuate({ recovery_driver: "mistral", no_shared_storage: "true", backend_cloud: RESTRICTED_CLOUD });
      // backend_cloud is an entry of the clouds.yaml the agent finds through OS_CLIENT_CONFIG_FILE; its own credentials are its parameters.
      const withClouds: OcfResource = { ...resource, run: (action, options = {}) => resource.run(action, { ...options, env: { OS_CLIENT_CONFIG_FILE: credential.cloudsYaml } }) };
      const ms = await monitorUntilDone(withClouds, ctx.attrd, failure.host);
      console.log(`NovaEvacuate + Mistral with the restricted credential: fenced -> done in ${(ms / 1000).toFixed(1)} s, ${failure.servers.length} servers`);
      await expectRecoveredOnce(ctx.lab, failure);
      const marker = parseNovaMarker((await computeService(ctx.lab, failure.host)).disabled_reason);
      expect(marker).toMatchObject({ kind: "ours", phase: "evacuated", fields: { driver: "mistral", outcome: "done", failed: "0" } });
      const ref = marker.kind === "ours" ? marker.fields.ref ?? "" : "";
      // The execution belongs to the credential's project: Mistral ran it with the restricted token.
      const execution = await send(`${credential.endpoints.workflowv2}/executions/${ref}`, { token: await credential.userToken() });
      expect(execution.status).toBe(200);
      expect(execution.body.project_id).toBe(credential.projectId);
      stored = await storedToken(ref);
      expect(stored).toMatch(/^gAAAAA/);
      const validated = await ctx.lab.keystone("/auth/tokens", { headers: { "X-Subject-Token": stored ?? "", "OpenStack-Identity-Access-Rules": "1.0" } });
      expect(validated.status).toBe(200);
      const t = validated.body.token;
      expect(t.application_credential).toMatchObject({ id: credential.id, restricted: true });
      expect(t.application_credential.access_rules.length).toBeGreaterThan(0);
      // Short-lived: Keystone's [token] expiration (1 h by default), never past the credential's own expiry.
      const lifeS = (Date.parse(t.expires_at) - Date.parse(t.issued_at)) / 1000;
      console.log(`the token Mistral keeps: issued ${t.issued_at}, expires ${t.expires_at} (${lifeS.toFixed(0)} s), credential expires ${credential.expiresAt}`);
      expect(lifeS).toBeLessThanOrEqual(3600);
      expect(Date.parse(t.expires_at)).toBeLessThanOrEqual(Date.parse(`${credential.expiresAt}Z`));
      await restartAndUnfence(ctx.lab, failure.n);
    } finally {
      if (failure) await restoreHost(ctx.lab, failure.n, failure.servers);
    }
  });

  it("the token Mistral keeps works for the workflow's calls and is refused for anything else", async () => {
    const token = stored ?? await credential.token();
    const e = credential.endpoints;
    const call = async (url: string, method = "GET", body?: unknown) => (await send(url, { method, token, body, headers: { "OpenStack-API-Version": "compute 2.1" } })).status;
    const seen = {
      "compute GET /servers/detail (a rule)": await call(`${e.compute}/servers/detail?all_tenants=1&limit=1`),
      "workflowv2 GET /executions (a rule)": await call(`${e.workflowv2}/executions?limit=1`),
      "compute DELETE /servers/{id}": await call(`${e.compute}/servers/${randomUUID()}`, "DELETE"),
      "compute GET /os-hypervisors": await call(`${e.compute}/os-hypervisors`),
      "compute POST /servers": await call(`${e.compute}/servers`, "POST", { server: {} }),
      "workflowv2 GET /workflows": await call(`${e.workflowv2}/workflows`),
      "workflowv2 DELETE /executions/{id}": await call(`${e.workflowv2}/executions/${randomUUID()}`, "DELETE"),
      "identity GET /v3/users": await call(`${e.identity}/users`),
      "network GET /v2.0/ports (no service token)": await call(`${e.network}/v2.0/ports`),
      "instance-ha GET /v1/segments (Masakari as packaged)": await call(`${e["instance-ha"]}/segments`),
    };
    console.log(`the stored token against the real services: ${JSON.stringify(seen)}`);
    expect(seen).toEqual({
      "compute GET /servers/detail (a rule)": 200,
      "workflowv2 GET /executions (a rule)": 200,
      "compute DELETE /servers/{id}": 401,
      "compute GET /os-hypervisors": 401,
      "compute POST /servers": 401,
      "workflowv2 GET /workflows": 401,
      "workflowv2 DELETE /executions/{id}": 401,
      // Keystone Zed does not enforce access rules on its own API (it logs "Invalid user token" and serves the request):
      // the credential's role, a plain one to Keystone, is what refuses it.
      "identity GET /v3/users": 403,
      "network GET /v2.0/ports (no service token)": 401,
      "instance-ha GET /v1/segments (Masakari as packaged)": 401,
    });
    // Masakari has no service_type in [keystone_authtoken]: keystonemiddleware says why it refused.
    expect(readFileSync(`${LAB_DIR}/log/masakari-api.log`, "utf8")).toContain("Set service_type in [keystone_authtoken] to allow access rule validation");
    // A new token from it (Keystone's token method) must not outlive it, if Keystone issues one at all.
    const renewed = await send(`${e.identity}/auth/tokens`, { method: "POST", body: { auth: { identity: { methods: ["token"], token: { id: token } } } } });
    const original = (await ctx.lab.keystone("/auth/tokens", { headers: { "X-Subject-Token": token, "OpenStack-Identity-Access-Rules": "1.0" } })).body.token;
    console.log(`renewing it with Keystone's token method: HTTP ${renewed.status}${renewed.status === 201 ? `, expires ${renewed.body.token.expires_at}` : ""}`);
    if (renewed.status === 201) expect(Date.parse(renewed.body.token.expires_at)).toBeLessThanOrEqual(Date.parse(original.expires_at));
    else expect(renewed.status).toBeGreaterThanOrEqual(400);
  });
});
