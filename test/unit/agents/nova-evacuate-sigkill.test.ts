// The built NovaEvacuate killed with SIGKILL in the middle of a pass: the next pass resumes with no double evacuation.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { novaEvacuate } from "../../../src/agents/nova-evacuate.js";
import { startOcfHarness, type OcfHarness } from "./ocf-harness.js";

const BUNDLE = resolve(import.meta.dirname, "../../../ocf/NovaEvacuate");
let h: OcfHarness;

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} does not exist: run npm run build first`);
  h = await startOcfHarness();
});
afterAll(async () => h.stop());

/** Evacuate requests per server id, from the simulator's request log. */
function evacuations(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of h.sim.cloud.requests()) {
    const id = /\/servers\/([^/]+)\/action$/.exec(entry.path)?.[1];
    if (entry.method === "POST" && id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

it("a monitor killed with SIGKILL mid-pass is resumed by the next one without evacuating any instance twice", async () => {
  h.sim.cloud.config.evacuateLatencyMs = 1200;
  h.sim.cloud.seed({ hosts: 3, serversPerHost: 8, shutoffEvery: 4 });
  await h.fence("compute-1");
  h.sim.cloud.resetCounts();
  const params = { ...h.credentials(), per_host_concurrency: "2", poll_interval: "1" };
  const env: NodeJS.ProcessEnv = { ...process.env, HA_RSCTMP: h.stateDir, OCF_RESOURCE_INSTANCE: "rsc", OCF_RESKEY_CRM_meta_interval: "10000", OCF_RESKEY_CRM_meta_timeout: "120000" };
  for (const [key, value] of Object.entries(params)) env[`OCF_RESKEY_${key}`] = value;
  expect((await h.run(novaEvacuate, "start", params)).exitCode).toBe(0);

  const child = spawn(BUNDLE, ["monitor"], { env, stdio: "ignore" });
  const exited = new Promise<NodeJS.Signals | null>((done) => child.on("exit", (_code, signal) => done(signal)));
  const deadline = Date.now() + 20_000;
  while ([...evacuations().values()].length < 3 && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 50));
  child.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
  const beforeKill = evacuations().size;
  expect(beforeKill).toBeGreaterThanOrEqual(2);
  expect(beforeKill).toBeLessThan(8);
  expect(h.attrd.value("compute-1")).toMatch(/@\d+$/);

  const resumed = await h.run(novaEvacuate, "monitor", params, { OCF_RESKEY_CRM_meta_interval: "10000", OCF_RESKEY_CRM_meta_timeout: "120000" });
  expect(resumed.exitCode).toBe(0);
  expect(h.attrd.value("compute-1")).toBe("no");
  expect(h.sim.cloud.serversOnHost("compute-1")).toEqual([]);
  const perServer = evacuations();
  expect(perServer.size).toBe(8);
  expect([...perServer.values()].every((count) => count === 1)).toBe(true);
});
