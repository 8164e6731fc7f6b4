import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectOpenStack, type OpenStackConnection } from "../../../src/openstack/connect.js";
import { EXPIRY_MARGIN_MS } from "../../../src/openstack/token-holder.js";
import type { CloudConfig } from "../../../src/openstack/types.js";
import { startFakeCloud, type FakeCloud } from "./fake-cloud.js";
import { memoryLogger } from "./fake-server.js";

let cloud: FakeCloud;
let dir: string;
let cachePath: string;
const opened: OpenStackConnection[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "connect-"));
  cachePath = join(dir, "token-cache.json");
});
afterEach(async () => {
  for (const os of opened.splice(0)) os.close();
  await cloud.close();
  rmSync(dir, { recursive: true, force: true });
});

async function setup(options: { maxVersion?: string } = {}): Promise<void> {
  cloud = await startFakeCloud(options);
  cloud.route("GET /compute/v2.1/os-services", () => ({ body: { services: [] } }));
}

/** One "process": a fresh connection, as each OCF monitor makes. */
async function processConnect(config: CloudConfig = cloud.config(), path: string | null = cachePath): Promise<OpenStackConnection> {
  const os = await connectOpenStack(config, { logger: pino({ level: "silent" }), tokenCachePath: path ?? undefined, retries: 0 });
  opened.push(os);
  return os;
}

const keystoneCalls = (): number => cloud.requests.filter((r) => r.path.startsWith("/identity/")).length;
const versionCalls = (): number => cloud.requests.filter((r) => r.path === "/compute/v2.1/").length;

describe("connectOpenStack", () => {
  it("authenticates and negotiates once, then stores the session for the next process", async () => {
    await setup();
    const os = await processConnect();
    expect(os.compute.microversion).toBe("2.94");
    expect(os.requestCounts).toEqual({ identity: 1, compute: 1 });
    const file = readFileSync(cachePath, "utf8");
    expect(statSync(cachePath).mode & 0o777).toBe(0o600);
    expect(file).toContain(cloud.issued[0]);
    expect(file).toContain('"microversion":"2.94"');
    expect(file).not.toContain(cloud.config().password);
  });

  it("lets a new process with a fresh cache make its first Nova call as its only request", async () => {
    await setup();
    await processConnect();
    const before = cloud.requests.length;
    const os = await processConnect();
    expect(os.compute.microversion).toBe("2.94");
    await os.compute.listServices({ host: "compute-1" });
    expect(os.requestCounts).toEqual({ compute: 1 });
    expect(cloud.requests.length - before).toBe(1);
    expect(cloud.requests[cloud.requests.length - 1]?.headers["x-auth-token"]).toBe(cloud.issued[0]);
  });

  it("starts over in a process whose cached token nears expiry", async () => {
    await setup();
    await processConnect();
    const file = JSON.parse(readFileSync(cachePath, "utf8")) as { entries: Record<string, { expiresAt: number }> };
    for (const entry of Object.values(file.entries)) entry.expiresAt = Date.now() + EXPIRY_MARGIN_MS - 1_000;
    writeFileSync(cachePath, JSON.stringify(file));
    const os = await processConnect();
    await os.compute.listServices();
    expect(keystoneCalls()).toBe(2);
    expect(versionCalls()).toBe(2);
    expect(os.requestCounts).toEqual({ identity: 1, compute: 2 });
  });

  it("replaces a revoked cached token after one 401 and caches the new one", async () => {
    await setup();
    await processConnect();
    cloud.revoke(cloud.issued[0] as string);
    const second = await processConnect();
    await second.compute.listServices();
    expect(second.requestCounts).toEqual({ compute: 2, identity: 1 });
    expect(readFileSync(cachePath, "utf8")).toContain(cloud.issued[1]);
    const third = await processConnect();
    await third.compute.listServices();
    expect(third.requestCounts).toEqual({ compute: 1 });
  });

  it("does not share a cache entry between identities", async () => {
    await setup();
    await processConnect();
    await processConnect(cloud.config({ regionName: undefined }));
    expect(keystoneCalls()).toBe(2);
  });

  it("authenticates in every process without a cache path", async () => {
    await setup();
    await processConnect(cloud.config(), null);
    await processConnect(cloud.config(), null);
    expect(keystoneCalls()).toBe(2);
    expect(versionCalls()).toBe(2);
  });

  it("ignores a corrupt cache file and rewrites it", async () => {
    await setup();
    writeFileSync(cachePath, "garbage", { mode: 0o600 });
    await processConnect();
    expect(JSON.parse(readFileSync(cachePath, "utf8")).format).toBe("nova-ha-agents/token-cache/1");
  });

  it("still works, with a warning, when the cache cannot be written", async () => {
    await setup();
    writeFileSync(join(dir, "file"), "");
    const log = memoryLogger();
    const os = await connectOpenStack(cloud.config(), { logger: log.logger, tokenCachePath: join(dir, "file", "cache.json"), retries: 0 });
    opened.push(os);
    await os.compute.listServices();
    expect(log.lines.some((l) => l.msg === "cannot write the OpenStack token cache")).toBe(true);
  });

  it.each([
    [{ password: "wrong-one" }, {}, "auth", /Keystone rejected the credentials/],
    [{}, { maxVersion: "2.10" }, "unsupported", /up to 2\.10, we need at least 2\.11/],
    [{ regionName: "Mars" }, {}, "environment", /no compute endpoint with interface internal in region Mars/],
  ])("fails with a clear error for %j %j", async (config, cloudOptions, kind, message) => {
    await setup(cloudOptions);
    const error = await processConnect(cloud.config(config)).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind });
    expect((error as Error).message).toMatch(message);
  });
});
