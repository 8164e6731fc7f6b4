import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startSimulator } from "./index.js";
import { call, eventually, passwordAuth } from "./sim-client.js";

const here = dirname(fileURLToPath(import.meta.url));
const tsx = join(here, "../../node_modules/.bin/tsx");
const children: ChildProcess[] = [];

function run(script: string, args: string[]): ChildProcess {
  const child = spawn(tsx, [join(here, script), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return child;
}

async function firstLine(child: ChildProcess): Promise<string> {
  let buffer = "";
  for await (const chunk of child.stdout ?? []) {
    buffer += String(chunk);
    if (buffer.includes("\n")) return buffer.slice(0, buffer.indexOf("\n"));
  }
  throw new Error("no output");
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, "exit")) as [number | null];
  return code;
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

// Each test starts a tsx child, which compiles its script first: on a loaded 2-core machine that alone took seconds.
describe("the simulator CLI", { timeout: 60_000 }, () => {
  it("prints its URLs as one JSON line, serves the cloud, and exits 0 on SIGTERM", async () => {
    const child = run("main.ts", ["--port", "0", "--hosts", "node-a,node-b", "--servers-per-host", "3", "--latency-ms", "50", "--seed", "3"]);
    const info = JSON.parse(await firstLine(child));
    expect(info).toMatchObject({ authUrl: `http://127.0.0.1:${info.port}/identity/v3`, baseUrl: `http://127.0.0.1:${info.port}`, seed: 3 });
    const token = await call(`${info.authUrl}/auth/tokens`, { method: "POST", body: passwordAuth() });
    expect(token.status).toBe(201);
    const services = await call(`${info.baseUrl}/compute/v2.1/os-services?binary=nova-compute`, { headers: { "X-Auth-Token": token.headers.get("x-subject-token") ?? "" } });
    expect(services.body.services.map((s: { host: string }) => s.host)).toEqual(["node-a", "node-b"]);
    child.kill("SIGTERM");
    expect(await exitCode(child)).toBe(0);
  });
});

describe("fake-nova-compute", { timeout: 60_000 }, () => {
  it("keeps an externally heartbeated host up until it is stopped, then exits 0", async () => {
    const sim = await startSimulator({ seed: 1, cloud: { hosts: 2, serversPerHost: 1, externalHeartbeat: ["compute-2"] } });
    try {
      const state = () => sim.cloud.services().find((s) => s.host === "compute-2")?.state;
      sim.cloud.clock.advance(61_000);
      expect(state()).toBe("down");
      const child = run("fake-nova-compute.ts", ["--url", sim.baseUrl, "--host", "compute-2", "--interval", "0.2"]);
      await eventually(() => (state() === "up" ? true : undefined), 20_000); // tsx compiles the script first: seconds on a loaded machine
      child.kill("SIGTERM");
      expect(await exitCode(child)).toBe(0);
      sim.cloud.clock.advance(61_000);
      expect(state()).toBe("down");
    } finally {
      await sim.stop();
    }
  });
});
