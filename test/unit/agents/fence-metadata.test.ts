// The compute fence agents' metadata: byte for byte as the golden files, valid for fence-agents' RNG, and a superset of the peers' parameters.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { fenceCompute } from "../../../src/agents/fence-compute.js";
import { fenceEvacuate } from "../../../src/agents/fence-evacuate.js";
import type { FenceAgent } from "../../../src/kit/fence/fence-agent.js";
import { fenceMetadata } from "../../../src/kit/fence/metadata.js";

const GOLDEN = resolve(import.meta.dirname, "../../golden");
const FENCE_RNG = "/usr/share/cluster/relaxng/metadata.rng";
const HAVE_XMLLINT = spawnSync("xmllint", ["--version"]).error === undefined;

/** Parameter names (old spellings included) that fence-agents 4.12's fence_evacuate prints; fence_compute adds record_only. */
const PEER_PARAMETERS = [
  "action", "auth_url", "endpoint_type", "login", "passwd", "passwd_script", "password", "password_script", "plug", "port",
  "region_name", "tenant_name", "username", "insecure", "project-domain", "project_domain", "user-domain", "user_domain",
  "domain", "instance_filtering", "no_shared_storage", "compute-domain", "compute_domain", "quiet", "verbose",
  "verbose_level", "debug", "debug_file", "version", "help", "plug_separator", "separator", "delay", "disable_timeout",
  "login_timeout", "power_timeout", "power_wait", "shell_timeout", "stonith_status_sleep", "retry_on",
];

const AGENTS: ReadonlyArray<[FenceAgent, string[], string]> = [
  [fenceCompute, [...PEER_PARAMETERS, "record_only"], '<action name="on" automatic="1"/>'],
  [fenceEvacuate, PEER_PARAMETERS, '<action name="on" automatic="0"/>'],
];

describe.each(AGENTS)("%s metadata", (agent, peerParameters, onAction) => {
  const xml = fenceMetadata(agent);

  it("matches the golden file byte for byte", () => {
    expect(xml).toBe(readFileSync(resolve(GOLDEN, `${agent.name}.xml`), "utf8"));
  });

  it("lists every parameter the Python agent lists", () => {
    const ours = new Set([...xml.matchAll(/<parameter name="([^"]+)"/g)].map((match) => match[1]));
    expect(peerParameters.filter((name) => !ours.has(name))).toEqual([]);
  });

  it("advertises on as the peer does, and reboot only when it is not a fabric agent", () => {
    expect(xml).toContain(onAction);
    expect(xml.includes('<action name="reboot" />')).toBe(!agent.fabric);
  });

  it.skipIf(!HAVE_XMLLINT || !existsSync(FENCE_RNG))("validates against fence-agents' metadata.rng (skipped only without xmllint or the RNG)", () => {
    const result = spawnSync("xmllint", ["--noout", "--nonet", "--relaxng", FENCE_RNG, "-"], { input: xml, encoding: "utf8" });
    expect(result.stderr).toMatch(/- validates/);
    expect(result.status).toBe(0);
  });
});
