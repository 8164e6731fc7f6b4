import { describe, expect, it } from "vitest";
import { descriptionOf, executionIdOf, WORKFLOW_NAME } from "../../../../src/recovery/drivers/mistral-driver.js";
import type { DriverHost } from "../../../../src/recovery/drivers/recovery-driver.js";
import { fakeMistral } from "../../openstack/mistral/fake-mistral.js";
import { useDriverBench } from "./driver-bench.js";

const HOST: DriverHost = { host: "compute-2", failureId: "compute-2@1765076400", fencedAt: "2026-12-07T03:00:00Z", onSharedStorage: true };
const signal = new AbortController().signal;

const bench = useDriverBench();

describe("MistralDriver", () => {
  it("starts one execution per host and failure, with the spec's input, under an id every controller derives alike", async () => {
    const m = fakeMistral();
    await bench.start(m.handler);
    const progress = await bench.mistral().advance(HOST, signal);
    const id = executionIdOf(HOST.host, HOST.failureId);
    expect(progress).toEqual({ state: "running", recovered: 0, failed: 0, ref: id, detail: "execution RUNNING" });
    const other = await bench.mistral().advance(HOST, signal);
    expect(other.ref).toBe(id);
    expect(m.executions.size).toBe(1);
    const created = m.executions.get(id)!;
    expect(created.workflow_name).toBe(WORKFLOW_NAME);
    expect(JSON.parse(String(created.input))).toEqual({ search_opts: { host: "compute-2" }, on_shared_storage: true });
    expect(created.description).toBe(descriptionOf(HOST));
  });

  it("follow only looks: nothing when Mistral holds no execution of the failure (even under a recorded id), the execution once there is one", async () => {
    const m = fakeMistral();
    const fake = await bench.start(m.handler);
    const id = executionIdOf(HOST.host, HOST.failureId);
    expect(await bench.mistral().follow({ ...HOST, ref: id }, signal)).toBeUndefined();
    await bench.mistral().advance(HOST, signal);
    expect(await bench.mistral().follow(HOST, signal)).toMatchObject({ state: "running", ref: id });
    expect(fake.calls("mistral").filter((c) => c.method === "POST")).toHaveLength(1);
  });

  it("follows the execution id recorded in the marker instead of deriving one", async () => {
    const m = fakeMistral();
    m.executions.set("e-recorded", { id: "e-recorded", workflow_name: WORKFLOW_NAME, description: "started by an operator", input: "{}",
      state: "SUCCESS", state_info: null, output: JSON.stringify({ recovered: ["a"], failed: {} }), created_at: "2026-12-07 03:00:01" });
    await bench.start(m.handler);
    const progress = await bench.mistral().advance({ ...HOST, ref: "e-recorded" }, signal);
    expect(progress).toMatchObject({ state: "done", recovered: 1, ref: "e-recorded" });
    expect(m.executions.size).toBe(1);
  });

  it("derives a UUID-shaped id that differs per failure", () => {
    const a = executionIdOf("compute-2", "f1");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(executionIdOf("compute-2", "f1")).toBe(a);
    expect(executionIdOf("compute-2", "f2")).not.toBe(a);
  });

  it("follows an execution of this host and failure started under another id", async () => {
    const m = fakeMistral();
    m.executions.set("manual", { id: "manual", workflow_name: WORKFLOW_NAME, description: descriptionOf(HOST), state: "RUNNING", output: "{}", created_at: "x" });
    await bench.start(m.handler);
    expect((await bench.mistral().advance(HOST, signal)).ref).toBe("manual");
    expect(m.executions.size).toBe(1);
  });

  it("reports SUCCESS as done with the workflow's counts", async () => {
    const m = fakeMistral();
    await bench.start(m.handler);
    const driver = bench.mistral();
    await driver.advance(HOST, signal);
    const e = m.executions.get(executionIdOf(HOST.host, HOST.failureId))!;
    e.state = "SUCCESS";
    e.output = JSON.stringify({ host: "compute-2", servers: 3, recovered: ["a", "b", "c"], failed: {}, attempts: 1 });
    expect(await driver.advance(HOST, signal)).toMatchObject({ state: "done", recovered: 3, failed: 0 });
  });

  it("reports ERROR as failed with the failed tasks and a reason per instance", async () => {
    const m = fakeMistral();
    await bench.start(m.handler);
    const driver = bench.mistral();
    await driver.advance(HOST, signal);
    const e = m.executions.get(executionIdOf(HOST.host, HOST.failureId))!;
    e.state = "ERROR";
    e.state_info = "evacuations failed; see failed in the output";
    e.output = JSON.stringify({ recovered: ["a"], failed: { b: "status ERROR (was ACTIVE) on compute-2" } });
    m.tasks.push({ id: "t1", name: "evacuate", state: "ERROR" }, { id: "t2", name: "verify", state: "SUCCESS" });
    expect(await driver.advance(HOST, signal)).toEqual({
      state: "failed", recovered: 1, failed: 1, ref: e.id,
      detail: "execution ERROR: evacuations failed; see failed in the output; failed tasks: evacuate; b: status ERROR (was ACTIVE) on compute-2",
    });
  });

  it("stays pending, without throwing, while Mistral is down", async () => {
    await bench.start(() => ({ status: 503, body: {} }));
    const progress = await bench.mistral().advance(HOST, signal);
    expect(progress).toMatchObject({ state: "pending", ref: executionIdOf(HOST.host, HOST.failureId) });
    expect(progress.detail).toMatch(/^Mistral could not be asked, retrying: /);
  });
});
