import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { identityKey, TokenCache, type CachedSession } from "../../../src/openstack/token-cache.js";
import type { CloudConfig } from "../../../src/openstack/types.js";

const config: CloudConfig = {
  authUrl: "http://k:5000/v3",
  username: "admin",
  password: "pw-one",
  projectName: "admin",
  userDomainName: "Default",
  projectDomainName: "Default",
  regionName: "RegionOne",
  interface: "internal",
  insecure: false,
  connectTimeoutMs: 1,
  readTimeoutMs: 1,
};

const entry = (expiresAt = Date.now() + 3_600_000): CachedSession => ({
  token: "tok-abc",
  expiresAt,
  projectId: "p1",
  endpoints: { compute: "http://nova/v2.1", image: null },
  microversion: "2.94",
});

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "token-cache-"));
  path = join(dir, "sub", "cache.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("identityKey", () => {
  it("changes with the password, so a changed credential is tried at once", () => {
    expect(identityKey({ ...config, password: "pw-two" })).not.toBe(identityKey(config));
  });

  it.each([
    ["authUrl", "http://other:5000/v3"],
    ["username", "bob"],
    ["projectName", "demo"],
    ["userDomainName", "LDAP"],
    ["projectDomainName", "LDAP"],
    ["regionName", "RegionTwo"],
    ["interface", "public"],
    ["applicationCredentialId", "ac"],
  ] as const)("changes with %s", (field, value) => {
    expect(identityKey({ ...config, [field]: value })).not.toBe(identityKey(config));
  });

  it("never contains the password", () => {
    expect(identityKey(config)).not.toContain("pw-one");
    expect(identityKey(config)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("TokenCache", () => {
  it("stores and reads back an entry in a 0600 file, creating the directory", () => {
    const cache = new TokenCache(path);
    cache.write("k1", entry());
    expect(cache.read("k1")).toEqual(entry(cache.read("k1")?.expiresAt));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).not.toContain("pw-one");
    expect(readdirSync(join(dir, "sub"))).toEqual(["cache.json"]);
  });

  it("keeps entries of other identities and drops expired ones", () => {
    const cache = new TokenCache(path);
    cache.write("old", entry(Date.now() - 1000));
    cache.write("a", entry());
    cache.write("b", entry());
    expect(cache.read("a")).toBeDefined();
    expect(cache.read("b")).toBeDefined();
    expect(cache.read("old")).toBeUndefined();
  });

  it("forgets one entry on remove", () => {
    const cache = new TokenCache(path);
    cache.write("a", entry());
    cache.write("b", entry());
    cache.remove("a");
    expect(cache.read("a")).toBeUndefined();
    expect(cache.read("b")).toBeDefined();
  });

  it.each([
    ["corrupt JSON", "{not json"],
    ["another format", JSON.stringify({ format: "something-else/1", entries: { k1: entry() } })],
    ["a malformed entry", JSON.stringify({ format: "nova-ha-agents/token-cache/1", entries: { k1: { token: 5 } } })],
  ])("ignores a file with %s and overwrites it", (_name, content) => {
    const cache = new TokenCache(path);
    cache.write("seed", entry());
    writeFileSync(path, content, { mode: 0o600 });
    expect(cache.read("k1")).toBeUndefined();
    cache.write("k1", entry());
    expect(cache.read("k1")?.token).toBe("tok-abc");
  });

  it("does not trust a file others may write", () => {
    const cache = new TokenCache(path);
    cache.write("k1", entry());
    chmodSync(path, 0o666);
    expect(cache.read("k1")).toBeUndefined();
    cache.write("k1", entry());
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(cache.read("k1")).toBeDefined();
  });

  it("does not follow a symlink", () => {
    const real = join(dir, "real.json");
    const cache = new TokenCache(real);
    cache.write("k1", entry());
    const link = join(dir, "link.json");
    symlinkSync(real, link);
    expect(new TokenCache(link).read("k1")).toBeUndefined();
  });

  it("reads nothing from a missing file", () => {
    expect(new TokenCache(join(dir, "none.json")).read("k")).toBeUndefined();
  });
});
