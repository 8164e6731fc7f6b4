// The OCF agents' metadata: byte for byte the golden copies, and valid against the DTD and RNG Debian ships.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fenceCompute } from "../../../src/agents/fence-compute.js";
import { novaCompute } from "../../../src/agents/nova-compute.js";
import { novaEvacuate } from "../../../src/agents/nova-evacuate.js";
import { fenceMetadata } from "../../../src/kit/fence/metadata.js";
import { ocfMetadata } from "../../../src/kit/ocf/metadata.js";
import { xmllint } from "../kit/fixtures/xmllint.js";

const AGENTS = [novaEvacuate, novaCompute];
const golden = (name: string) => readFileSync(new URL(`../../golden/${name}.xml`, import.meta.url), "utf8");

describe.each(AGENTS)("$name metadata", (agent) => {
  const xml = ocfMetadata(agent);

  it("is the golden copy (npm run metadata:update rewrites it after an intended change)", () => {
    expect(xml).toBe(golden(agent.name));
  });

  it("validates against ra-api-1.dtd", () => {
    expect(xmllint(["--dtdvalid", "ra-api-1.dtd"], xml, "/usr/share/resource-agents")).toMatchObject({ status: 0 });
  });

  it("validates against the resource-agents RelaxNG schema", () => {
    expect(xmllint(["--relaxng", "/usr/share/resource-agents/metadata.rng"], xml)).toMatchObject({ status: 0 });
  });

  it("advertises the peer's parameter names", () => {
    for (const name of ["auth_url", "username", "password", "tenant_name", "user_domain", "project_domain", "region_name", "endpoint_type", "insecure"]) {
      expect(xml).toContain(`<parameter name="${name}"`);
    }
  });

  it("gives secret parameters no default", () => {
    const password = /<parameter name="password"[^]*?<\/parameter>/.exec(xml)?.[0] ?? "";
    expect(password).toContain('<content type="string" />');
  });
});

it("NovaEvacuate keeps the shell agent's own parameters", () => {
  const xml = ocfMetadata(novaEvacuate);
  for (const name of ["no_shared_storage", "verbose", "evacuate_delay"]) expect(xml).toContain(`<parameter name="${name}"`);
});

it("NovaCompute keeps the shell agent's own parameters", () => {
  const xml = ocfMetadata(novaCompute);
  for (const name of ["domain", "evacuation_delay"]) expect(xml).toContain(`<parameter name="${name}"`);
});

it("gives every agent that reaches a recovery back-end the same backend_cloud (NovaEvacuate, NovaCompute, fence_compute)", () => {
  const described = (xml: string) => {
    const block = /<parameter name="backend_cloud"[^]*?<\/parameter>/.exec(xml)?.[0] ?? "";
    return { shortdesc: /<shortdesc[^>]*>([^<]*)</.exec(block)?.[1], content: /<content [^>]*>/.exec(block)?.[0] };
  };
  const [evacuate, compute, fence] = [ocfMetadata(novaEvacuate), ocfMetadata(novaCompute), fenceMetadata(fenceCompute)].map(described);
  expect(evacuate?.shortdesc).toMatch(/^clouds.yaml entry whose credentials reach the recovery back-ends/);
  expect(compute).toEqual(evacuate);
  expect(fence).toEqual(evacuate);
});
