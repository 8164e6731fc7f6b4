import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type AccessRule, endpointPath, MISTRAL_TOKEN_CALLS, mistralAccessRules } from "../../../../src/recovery/drivers/mistral-access-rules.js";
import { WORKFLOW_NAME } from "../../../../src/recovery/drivers/mistral-driver.js";
import type { DriverHost } from "../../../../src/recovery/drivers/recovery-driver.js";
import { fakeMistral } from "../../openstack/mistral/fake-mistral.js";
import { useDriverBench } from "./driver-bench.js";

/** keystonemiddleware 10.1's _path_matches, written again: `*` and `{tag}` are one segment, `**` anything. */
function pathMatches(requestPath: string, pattern: string): boolean {
  let regex = "";
  for (const token of pattern.match(/\{[^}]*\}|\*\*|\*|[^{}*]/g) ?? []) {
    if (token === "**") regex += ".*";
    else if (token === "*" || token.startsWith("{")) regex += "[^/]+";
    else regex += token.replace(/[.+?^$()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${regex}$`).test(requestPath);
}

/** Whether keystonemiddleware, configured with service_type `service`, lets the request through these rules. */
function allowed(rules: readonly AccessRule[], service: string, method: string, path: string): boolean {
  return rules.some((r) => r.service === service && r.method === method && pathMatches(path, r.path));
}

const LAB = { compute: "/v2.1", workflowv2: "/v2" } as const;

describe("the access rules of the credential handed to Mistral", () => {
  it("are the token's calls under each service's endpoint path", () => {
    const rules = mistralAccessRules(LAB);
    expect(rules).toHaveLength(MISTRAL_TOKEN_CALLS.length);
    expect(rules).toContainEqual({ service: "compute", method: "POST", path: "/v2.1/servers/*/action" });
    expect(rules).toContainEqual({ service: "workflowv2", method: "POST", path: "/v2/executions" });
    expect(mistralAccessRules({ compute: "/compute/v2.1", workflowv2: "" })).toContainEqual({ service: "workflowv2", method: "GET", path: "/tasks" });
  });

  it("let through every std.http call of our workflow, and nothing of it goes elsewhere than Nova", () => {
    const definition = parse(readFileSync(resolve(import.meta.dirname, "../../../../share/workflows/nova-ha-host-evacuate.yaml"), "utf8"));
    const tasks = Object.entries(definition[WORKFLOW_NAME].tasks as Record<string, { action?: string; input?: { url: string; method?: string } }>);
    const calls = tasks.filter(([, t]) => t.action === "std.http").map(([name, t]) => ({
      name,
      method: t.input?.method ?? "GET",
      // nova_url is the catalog's compute endpoint (the driver passes it); every other expression is one path segment.
      path: String(t.input?.url).replace("<% $.nova_url %>", LAB.compute).replace(/<%[^%]*%>/g, "0f6c1b4e-5a9e-4c1e-9d8e-2b7f6d1a3c55"),
    }));
    expect(calls.map((c) => c.name)).toEqual(["check_down", "list_page", "evacuate", "verify"]);
    for (const call of calls) expect(allowed(mistralAccessRules(LAB), "compute", call.method, call.path), `${call.name}: ${call.method} ${call.path}`).toBe(true);
  });

  const bench = useDriverBench();
  const HOST: DriverHost = { host: "compute-2", failureId: "compute-2@1765076400", fencedAt: "2026-12-07T03:00:00Z", onSharedStorage: false };

  it("let through every call the Mistral driver makes, from the start of an execution to the report of its failed tasks", async () => {
    const m = fakeMistral();
    const fake = await bench.start(m.handler);
    const driver = bench.mistral();
    const started = await driver.advance(HOST, new AbortController().signal);
    const execution = m.executions.get(started.ref ?? "")!;
    Object.assign(execution, { state: "ERROR", output: JSON.stringify({ recovered: [], failed: { a: "status ERROR" } }) });
    m.tasks.push({ id: "t1", name: "verify", state: "ERROR" });
    expect((await driver.advance({ ...HOST, ref: started.ref }, new AbortController().signal)).state).toBe("failed");
    // The fake's catalog puts Mistral at /mistral/v2.
    const rules = mistralAccessRules({ compute: "/compute/v2.1", workflowv2: "/mistral/v2" });
    const made = fake.server.requests.filter((r) => r.path.startsWith("/mistral/"));
    expect(new Set(made.map((r) => `${r.method} ${r.path.replace(/\/executions\/.+/, "/executions/{id}")}`)))
      .toEqual(new Set(["GET /mistral/v2/executions/{id}", "GET /mistral/v2/executions", "POST /mistral/v2/executions", "GET /mistral/v2/tasks"]));
    for (const r of made) expect(allowed(rules, "workflowv2", r.method, r.path), `${r.method} ${r.path}`).toBe(true);
  });

  it("refuse what the workflow and the driver never do", () => {
    const rules = mistralAccessRules(LAB);
    expect(allowed(rules, "compute", "DELETE", "/v2.1/servers/0f6c1b4e")).toBe(false);
    expect(allowed(rules, "compute", "PUT", "/v2.1/os-services/1")).toBe(false);
    expect(allowed(rules, "compute", "GET", "/v2.1/os-hypervisors")).toBe(false);
    expect(allowed(rules, "compute", "POST", "/v2.1/servers")).toBe(false);
    expect(allowed(rules, "workflowv2", "PUT", "/v2/workflows")).toBe(false);
    expect(allowed(rules, "workflowv2", "DELETE", "/v2/executions/e1")).toBe(false);
    expect(allowed(rules, "identity", "GET", "/v3/users")).toBe(false);
  });
});

describe("endpointPath", () => {
  it.each([
    ["http://controller:8774/v2.1", "/v2.1"],
    ["http://controller:8774/v2.1/", "/v2.1"],
    ["https://api.example/compute/v2.1", "/compute/v2.1"],
    ["http://controller:8989", ""],
  ])("reads %s as %s", (url, path) => expect(endpointPath(url)).toBe(path));

  it("says what to give when the URL is not one", () => {
    expect(() => endpointPath("v2.1")).toThrow("v2.1 is not an http(s) URL: give the endpoint as the catalog lists it");
    expect(() => endpointPath("controller:8774/v2.1")).toThrow("controller:8774/v2.1 is not an http(s) URL");
  });
});
