// Test helper: a Mistral kept in memory, behind fake-backends.ts: executions by id, a second POST with a known id answers the first.
import type { FakeReply, FakeRequest } from "../fake-server.js";

/** A Mistral keeping executions in memory; a second POST with a known id answers the existing one, as Mistral does. */
export function fakeMistral() {
  const executions = new Map<string, Record<string, unknown>>();
  const tasks: Array<Record<string, unknown>> = [];
  const handler = (req: FakeRequest): FakeReply => {
    if (req.path === "/executions" && req.method === "POST") {
      const body = req.body as { id: string; workflow_name: string; description: string; input: string };
      if (!executions.has(body.id)) {
        executions.set(body.id, { id: body.id, workflow_name: body.workflow_name, description: body.description, input: body.input,
          state: "RUNNING", state_info: null, output: "{}", created_at: "2026-12-07 03:00:01" });
      }
      return { status: 201, body: executions.get(body.id) };
    }
    if (req.path === "/executions") {
      return { body: { executions: [...executions.values()].filter((e) => e.description === req.query.get("description")) } };
    }
    if (req.path === "/tasks") return { body: { tasks } };
    const e = executions.get(req.path.replace("/executions/", ""));
    return e ? { body: e } : { status: 404, body: { faultstring: "Execution not found" } };
  };
  return { executions, tasks, handler };
}
