// The Mistral recovery back-end: one execution of our workflow per host and failure, under an id derived from both, followed to its end.
import { createHash } from "node:crypto";
import type { Execution, MistralApi } from "../../openstack/mistral/mistral-api.js";
import { EXECUTION_STATES } from "../../openstack/mistral/mistral-api.js";
import { backendDown } from "./backend-down.js";
import type { DriverHost, DriverProgress, RecoveryDriver } from "./recovery-driver.js";

/** The workflow `nova-ha mistral install-workflow` installs (share/workflows/nova-ha-host-evacuate.yaml). */
export const WORKFLOW_NAME = "nova-ha-host-evacuate";
/** The token handed to Mistral must outlive the run: the workflow calls Nova with it. */
export const MIN_TOKEN_LIFE_MS = 15 * 60_000;

/** Settings of the Mistral driver. */
export interface MistralDriverOptions {
  workflowName?: string;
  /** Extra workflow input (nova_url, max_attempts, ...), merged under the spec's input. */
  extraInput?: Record<string, unknown>;
  /** Nova's URL for the workflow's nova_url (the catalog's compute endpoint), asked only when an execution is started. */
  novaUrl?: () => Promise<string>;
}

/** The execution id of a host's failure: a name-based UUID (version 5 layout) of host and failure id, the same on every controller. */
export function executionIdOf(host: string, failureId: string): string {
  const hex = createHash("sha1").update(`nova-ha:${host}:${failureId}`).digest("hex").slice(0, 32).split("");
  hex[12] = "5";
  hex[16] = ((parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The execution description that names host and failure (also found by listing). */
export function descriptionOf(host: DriverHost): string {
  return `nova-ha recovery of ${host.host}, failure ${host.failureId}`;
}

/** A driver that hands fenced hosts to the Mistral workflow. */
export class MistralDriver implements RecoveryDriver {
  readonly name = "mistral" as const;
  private readonly workflowName: string;

  constructor(private readonly api: MistralApi, private readonly options: MistralDriverOptions = {}) {
    this.workflowName = options.workflowName ?? WORKFLOW_NAME;
  }

  /** Starts the host's execution unless it exists, and reports where it stands; Mistral unreachable gives "pending". */
  async advance(host: DriverHost, signal: AbortSignal): Promise<DriverProgress> {
    const id = host.ref ?? executionIdOf(host.host, host.failureId);
    try {
      if (signal.aborted) return pending("aborted before Mistral was asked");
      let execution = await this.lookUp(host, id);
      if (!execution) {
        if (signal.aborted) return pending("aborted before the execution was started");
        const novaUrl = this.options.novaUrl ? { nova_url: await this.options.novaUrl() } : {};
        execution = await this.api.createExecution({
          id,
          workflowName: this.workflowName,
          input: { ...novaUrl, ...this.options.extraInput, search_opts: { host: host.host }, on_shared_storage: host.onSharedStorage },
          description: descriptionOf(host),
          minTokenLifeMs: MIN_TOKEN_LIFE_MS,
        });
      }
      return await this.progress(execution);
    } catch (error) {
      return { ...pending(backendDown("Mistral", error)), ref: id };
    }
  }

  /** Follows this failure's execution if Mistral holds one; never starts one (undefined: Mistral answered it holds none). */
  async follow(host: DriverHost, signal: AbortSignal): Promise<DriverProgress | undefined> {
    const id = host.ref ?? executionIdOf(host.host, host.failureId);
    try {
      if (signal.aborted) return pending("aborted before Mistral was asked");
      const execution = await this.lookUp(host, id);
      return execution ? await this.progress(execution) : undefined;
    } catch (error) {
      return { ...pending(backendDown("Mistral", error)), ref: id };
    }
  }

  /** This failure's execution: by its id, else listed under its description. */
  private async lookUp(host: DriverHost, id: string): Promise<Execution | undefined> {
    return (await this.api.getExecution(id)) ?? (await this.findListed(host));
  }

  /** An execution of this host and failure started under another id (by an operator, or an older agent). */
  private async findListed(host: DriverHost): Promise<Execution | undefined> {
    const listed = await this.api.listExecutions({ workflowName: this.workflowName, description: descriptionOf(host) });
    return listed.find((e) => e.description === descriptionOf(host));
  }

  private async progress(execution: Execution): Promise<DriverProgress> {
    const state = EXECUTION_STATES[execution.state];
    const recovered = Array.isArray(execution.output.recovered) ? execution.output.recovered.length : 0;
    const failedMap = execution.output.failed;
    const failedReasons = failedMap && typeof failedMap === "object" && !Array.isArray(failedMap) ? Object.entries(failedMap as Record<string, unknown>) : [];
    if (state === "running") return { state, recovered: 0, failed: 0, ref: execution.id, detail: `execution ${execution.state}` };
    if (state === "done") return { state, recovered, failed: failedReasons.length, ref: execution.id, detail: `execution ${execution.state}` };
    // Failed: name the failed tasks and each instance's reason.
    let tasks = "";
    try {
      const failedTasks = (await this.api.listTasks(execution.id)).filter((t) => t.state === "ERROR").map((t) => t.name);
      if (failedTasks.length > 0) tasks = `; failed tasks: ${[...new Set(failedTasks)].join(",")}`;
    } catch {
      tasks = "";
    }
    const reasons = failedReasons.map(([server, reason]) => `${server}: ${String(reason)}`).join("; ");
    const info = (execution.stateInfo ?? "").split("\n")[0] ?? "";
    return {
      state,
      recovered,
      failed: failedReasons.length,
      ref: execution.id,
      detail: `execution ${execution.state}${info ? `: ${info}` : ""}${tasks}${reasons ? `; ${reasons}` : ""}`,
    };
  }
}

function pending(detail: string): DriverProgress {
  return { state: "pending", recovered: 0, failed: 0, detail };
}
