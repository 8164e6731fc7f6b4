// Which Nova host name a compute node registers under.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configuredNovaHost, defaultHostOf, resolveOwnNovaHost } from "../../../src/nova-compute-service/nova-conf-host.js";

describe("defaultHostOf", () => {
  it.each([
    ["[DEFAULT]\nhost = compute-1.example.com\n", "compute-1.example.com"],
    ["[DEFAULT]\n# host = commented\n", undefined],
    ["[libvirt]\nhost = not-this\n", undefined],
    ["[DEFAULT]\nhost=a\nhost=b\n", "b"],
    ["[DEFAULT]\nhost =\n", undefined],
    ["host = before-any-section\n", undefined],
  ])("reads %j as %j", (ini, expected) => {
    expect(defaultHostOf(ini)).toBe(expected);
  });
});

describe("configuredNovaHost", () => {
  it("lets nova.conf.d files, in name order, override nova.conf", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nova-conf-"));
    const conf = join(dir, "nova.conf");
    writeFileSync(conf, "[DEFAULT]\nhost = from-main\n");
    mkdirSync(`${conf}.d`);
    writeFileSync(join(`${conf}.d`, "20-late.conf"), "[DEFAULT]\nhost = from-20\n");
    writeFileSync(join(`${conf}.d`, "10-early.conf"), "[DEFAULT]\nhost = from-10\n");
    writeFileSync(join(`${conf}.d`, "30-other.conf"), "[DEFAULT]\ndebug = true\n");
    expect(await configuredNovaHost(conf)).toBe("from-20");
  });

  it("is undefined without a nova.conf", async () => {
    expect(await configuredNovaHost("/nonexistent/nova.conf")).toBeUndefined();
  });
});

describe("resolveOwnNovaHost", () => {
  it.each([
    [{ explicit: "x.example", domain: "d" }, "x.example"],
    [{ domain: "example.com" }, "node-a.example.com"],
    [{}, "node-a.lab"],
  ])("resolves %j to %s", async (options, expected) => {
    expect(await resolveOwnNovaHost({ novaConf: "/nonexistent", nodeName: "node-a.lab", ...options })).toBe(expected);
  });
});
