import { afterEach, describe, expect, it } from "vitest";
import { createMistralApi } from "../../../../src/openstack/mistral/mistral-api.js";
import { isConflict } from "../../../../src/openstack/masakari/masakari-api.js";
import { startFakeBackends, type FakeBackends } from "../masakari/fake-backends.js";

let fake: FakeBackends | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const execution = (over: Record<string, unknown> = {}) => ({
  id: "e-1", workflow_name: "nova-ha-host-evacuate", state: "RUNNING", state_info: null, description: "d",
  output: "{}", created_at: "2026-12-07 03:00:00", ...over,
});

describe("createMistralApi", () => {
  it("sends a workflow definition as text, and a taken name as a conflict", async () => {
    fake = await startFakeBackends((req) => req.method === "POST"
      ? { status: 409, body: { faultstring: "Duplicate entry for WorkflowDefinition" } }
      : { body: { workflows: [{ id: "w-1", name: "nova-ha-host-evacuate" }] } });
    const api = createMistralApi(fake.session("mistral"));
    expect(isConflict(await api.createWorkflows("version: '2.0'\n").catch((e: unknown) => e))).toBe(true);
    expect(await api.updateWorkflows("version: '2.0'\n")).toEqual([{ id: "w-1", name: "nova-ha-host-evacuate", updatedAt: undefined }]);
    const calls = fake.calls("mistral");
    expect(calls.map((c) => [c.method, c.path, c.headers["content-type"], c.headers.accept, c.body])).toEqual([
      ["POST", "/workflows", "text/plain", "*/*", "version: '2.0'\n"],
      ["PUT", "/workflows", "text/plain", "*/*", "version: '2.0'\n"],
    ]);
  });

  it("starts an execution under the caller's id with the input as JSON text", async () => {
    fake = await startFakeBackends(() => ({ status: 201, body: execution() }));
    const e = await createMistralApi(fake.session("mistral")).createExecution({
      id: "e-1", workflowName: "nova-ha-host-evacuate", input: { search_opts: { host: "compute-2" }, on_shared_storage: false }, description: "d",
    });
    expect(e).toMatchObject({ id: "e-1", state: "RUNNING", output: {} });
    expect(fake.calls("mistral")[0]?.body).toEqual({
      id: "e-1", workflow_name: "nova-ha-host-evacuate", description: "d",
      input: JSON.stringify({ search_opts: { host: "compute-2" }, on_shared_storage: false }),
    });
  });

  it("reads an unknown execution as null and parses the output of a known one", async () => {
    fake = await startFakeBackends((req) => req.path === "/executions/none"
      ? { status: 404, body: { faultstring: "not found" } }
      : { body: execution({ state: "SUCCESS", output: JSON.stringify({ recovered: ["a"], failed: {} }) }) });
    const api = createMistralApi(fake.session("mistral"));
    expect(await api.getExecution("none")).toBeNull();
    expect((await api.getExecution("e-1"))?.output).toEqual({ recovered: ["a"], failed: {} });
  });

  it("lists executions by workflow and description, and an execution's tasks", async () => {
    fake = await startFakeBackends((req) => req.path === "/tasks"
      ? { body: { tasks: [{ id: "t-1", name: "verify", state: "ERROR", state_info: "x" }] } }
      : { body: { executions: [execution()] } });
    const api = createMistralApi(fake.session("mistral"));
    expect((await api.listExecutions({ workflowName: "nova-ha-host-evacuate", description: "d" })).map((e) => e.id)).toEqual(["e-1"]);
    expect(await api.listTasks("e-1")).toEqual([{ id: "t-1", name: "verify", state: "ERROR", stateInfo: "x" }]);
    const [list, tasks] = fake.calls("mistral");
    expect(list?.query.get("workflow_name")).toBe("nova-ha-host-evacuate");
    expect(list?.query.get("description")).toBe("d");
    expect(tasks?.query.get("workflow_execution_id")).toBe("e-1");
  });
});
