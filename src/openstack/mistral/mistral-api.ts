// The Mistral calls of the recovery driver and of `nova-ha mistral install-workflow`: workflows, executions and their tasks.
import { z } from "zod";
import type { BackendSession } from "../backend-session.js";
import { OpenStackError } from "../errors.js";
import { parseAnswer } from "../validate.js";

/** Execution states, as Mistral names them, and what each means to us. */
export const EXECUTION_STATES = {
  IDLE: "running",
  RUNNING: "running",
  PAUSED: "running",
  SUCCESS: "done",
  ERROR: "failed",
  CANCELLED: "failed",
} as const;

/** An execution state Mistral sends. */
export type ExecutionState = keyof typeof EXECUTION_STATES;

/** Who may see and run a workflow: the owner's project (Mistral's default), or every project. */
export type WorkflowScope = "private" | "public";

/** A workflow definition as stored. */
export interface Workflow {
  id: string;
  name: string;
  updatedAt?: string;
}

/** One workflow execution. */
export interface Execution {
  id: string;
  workflowName: string;
  state: ExecutionState;
  stateInfo?: string;
  description: string;
  /** The workflow's output, parsed (Mistral sends it as a JSON string). */
  output: Record<string, unknown>;
  createdAt: string;
}

/** One task execution of a workflow execution. */
export interface TaskExecution {
  id: string;
  name: string;
  state: string;
  stateInfo?: string;
}

/** What to start an execution with. */
export interface NewExecution {
  /** Client-chosen UUID: a second POST with the same id answers the existing execution. */
  id: string;
  workflowName: string;
  input: Record<string, unknown>;
  description: string;
  /** The caller's token must stay valid this long: the workflow calls Nova with it. */
  minTokenLifeMs?: number;
}

const executionSchema = z.object({
  id: z.string(),
  workflow_name: z.string(),
  state: z.enum(Object.keys(EXECUTION_STATES) as [ExecutionState, ...ExecutionState[]]),
  state_info: z.string().nullish(),
  description: z.string().nullish(),
  output: z.string().nullish(),
  created_at: z.string(),
});
const workflowSchema = z.object({ id: z.string(), name: z.string(), updated_at: z.string().nullish() });
const taskSchema = z.object({ id: z.string(), name: z.string(), state: z.string(), state_info: z.string().nullish() });

/** Mistral's API, as the driver and the CLI use it. */
export interface MistralApi {
  /** Creates the workflows of a v2 definition (Mistral's scope: private to the caller's project unless "public"); a 409 (name taken) throws an OpenStackError of kind "conflict". */
  createWorkflows(definition: string, scope?: WorkflowScope): Promise<Workflow[]>;
  /** Replaces the workflows of a v2 definition (a PUT without scope makes them private). */
  updateWorkflows(definition: string, scope?: WorkflowScope): Promise<Workflow[]>;
  /** One execution, or null when Mistral has none with this id. */
  getExecution(id: string): Promise<Execution | null>;
  /** Executions of a workflow, newest first, optionally with an exact description. */
  listExecutions(filter: { workflowName: string; description?: string }): Promise<Execution[]>;
  /** Starts an execution. */
  createExecution(execution: NewExecution): Promise<Execution>;
  /** The task executions of an execution. */
  listTasks(executionId: string): Promise<TaskExecution[]>;
}

/** Mistral through a back-end session. */
export function createMistralApi(session: BackendSession): MistralApi {
  const ctx = (method: string, path: string, requestId?: string) => ({ service: "mistral" as const, method, path, requestId });
  const workflows = async (method: "POST" | "PUT", definition: string, scope: WorkflowScope | undefined): Promise<Workflow[]> => {
    // Mistral's definition endpoints answer 406 to "Accept: application/json" (they are exposed as text/plain), JSON all the same.
    const res = await session.request({ method, path: "/workflows", params: scope ? { scope } : undefined, body: definition, headers: { "Content-Type": "text/plain", Accept: "*/*" } });
    return parseAnswer(z.object({ workflows: z.array(workflowSchema) }), res.data, ctx(method, "/workflows", res.requestId)).workflows
      .map((w) => ({ id: w.id, name: w.name, updatedAt: w.updated_at ?? undefined }));
  };

  return {
    createWorkflows: (definition, scope) => workflows("POST", definition, scope),
    updateWorkflows: (definition, scope) => workflows("PUT", definition, scope),
    async getExecution(id) {
      const path = `/executions/${encodeURIComponent(id)}`;
      try {
        const res = await session.request({ method: "GET", path });
        return toExecution(parseAnswer(executionSchema, res.data, ctx("GET", path, res.requestId)));
      } catch (error) {
        if (error instanceof OpenStackError && error.status === 404) return null;
        throw error;
      }
    },
    async listExecutions(filter) {
      const params = { workflow_name: filter.workflowName, description: filter.description, sort_keys: "created_at", sort_dirs: "desc", limit: 100 };
      const res = await session.request({ method: "GET", path: "/executions", params });
      return parseAnswer(z.object({ executions: z.array(executionSchema) }), res.data, ctx("GET", "/executions", res.requestId)).executions.map(toExecution);
    },
    async createExecution(execution) {
      const body = { id: execution.id, workflow_name: execution.workflowName, input: JSON.stringify(execution.input), description: execution.description };
      // Retried like a GET: the client-chosen id makes a second POST answer the first execution.
      const res = await session.request({ method: "POST", path: "/executions", body, idempotent: true, minTokenLifeMs: execution.minTokenLifeMs });
      return toExecution(parseAnswer(executionSchema, res.data, ctx("POST", "/executions", res.requestId)));
    },
    async listTasks(executionId) {
      const res = await session.request({ method: "GET", path: "/tasks", params: { workflow_execution_id: executionId } });
      return parseAnswer(z.object({ tasks: z.array(taskSchema) }), res.data, ctx("GET", "/tasks", res.requestId)).tasks
        .map((t) => ({ id: t.id, name: t.name, state: t.state, stateInfo: t.state_info ?? undefined }));
    },
  };
}

function toExecution(e: z.output<typeof executionSchema>): Execution {
  return {
    id: e.id,
    workflowName: e.workflow_name,
    state: e.state,
    stateInfo: e.state_info ?? undefined,
    description: e.description ?? "",
    output: parseOutput(e.output),
    createdAt: e.created_at,
  };
}

/** Mistral's output field is a JSON string; anything else reads as no output. */
function parseOutput(text: string | null | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
