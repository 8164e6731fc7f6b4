// Our Mistral workflow (share/workflows) against the driver's expectations; Mistral itself runs it in test/backends.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { WORKFLOW_NAME } from "../../../../src/recovery/drivers/mistral-driver.js";

const definition = parse(readFileSync(resolve(import.meta.dirname, "../../../../share/workflows/nova-ha-host-evacuate.yaml"), "utf8"));
const workflow = definition[WORKFLOW_NAME];

describe("share/workflows/nova-ha-host-evacuate.yaml", () => {
  it("defines the workflow the driver starts, with the spec's input and the counts the driver reads", () => {
    expect(definition.version).toBe("2.0");
    expect(workflow.input.slice(0, 2)).toEqual(["search_opts", { on_shared_storage: false }]);
    expect(Object.keys(workflow.output)).toEqual(expect.arrayContaining(["recovered", "failed"]));
  });

  it("never puts Mistral's retry on a task that changes Nova (a with-items retry re-runs every item)", () => {
    for (const [name, task] of Object.entries(workflow.tasks as Record<string, { retry?: unknown; input?: { method?: string } }>)) {
      if (task.input?.method && task.input.method !== "GET") expect(task.retry, name).toBeUndefined();
    }
    expect(workflow.tasks.evacuate.input.method).toBe("POST");
  });

  it("bounds its rounds and polls", () => {
    expect(workflow.input).toEqual(expect.arrayContaining([{ max_attempts: 2 }, { verify_polls: 150 }]));
  });
});
