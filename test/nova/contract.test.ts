// The simulator held to the real Nova: every call of the contract table goes to both, and they must agree on what the client reads.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markerOf, nextLink } from "../../src/openstack/pages.js";
import { CONTRACT_CALLS, type ContractCall } from "./contract-calls.js";
import { compareAnswers, missingValues, valuesAt } from "./contract-shape.js";
import { type ContractTarget, fill, novaTarget, simulatorTarget } from "./contract-targets.js";
import { type Answer, requireLab } from "./lab.js";

let sim: ContractTarget | undefined;
let nova: ContractTarget | undefined;

/** Stores what a call captures from one cloud's answer: named fields, and the marker of its next link. */
function capture(call: ContractCall, target: ContractTarget, answer: Answer): void {
  for (const [name, path] of Object.entries(call.capture ?? {})) {
    const value = valuesAt(answer.body, path).find((v) => typeof v === "string" || typeof v === "number");
    if (value !== undefined) target.vars.set(name, String(value));
  }
  if (call.nextLink) {
    const links: unknown = answer.body?.[call.nextLink];
    const href = typeof links === "string" ? links : nextLink(Array.isArray(links) ? links : undefined);
    const marker = href ? markerOf(href) : null;
    if (marker) target.vars.set("marker", marker);
    else target.vars.delete("marker");
  }
}

beforeAll(async () => {
  const lab = await requireLab();
  sim = await simulatorTarget();
  nova = await novaTarget(lab);
});

afterAll(async () => {
  await nova?.close();
  await sim?.close();
});

describe("the contract: the simulator answers every call of the client as the real Nova does", () => {
  for (const call of CONTRACT_CALLS) {
    it(`${call.name} [${call.client}]`, async () => {
      if (!sim || !nova) throw new Error("the contract's clouds were not set up");
      const targets = [sim, nova] as const;
      if (call.before) await Promise.all(targets.map((t) => t.step(call.before as NonNullable<ContractCall["before"]>)));
      const [a, b] = await Promise.all(targets.map((t) => t.send(call.request)));
      capture(call, sim, a as Answer);
      capture(call, nova, b as Answer);
      // Values to find differ per cloud (ids): each side is checked with its own variables.
      const problems = [
        ...compareAnswers({ ...call, contains: undefined }, a as Answer, b as Answer),
        ...missingValues(call.name, "simulator", a as Answer, fill(call.contains, sim.vars, sim.name)),
        ...missingValues(call.name, "nova", b as Answer, fill(call.contains, nova.vars, nova.name)),
      ];
      expect(problems, `\n${problems.join("\n")}\n`).toEqual([]);
    });
  }
});

/** Where Nova shows its database timestamps, per listing. */
const DATABASE_TIMES = [
  { request: { service: "compute", method: "GET", path: "/os-services", version: "2.53" }, fields: ["services[].updated_at"] },
  { request: { service: "compute", method: "GET", path: "/os-migrations", version: "2.59" }, fields: ["migrations[].created_at", "migrations[].updated_at"] },
  { request: { service: "compute", method: "GET", path: "/servers/detail", query: { all_tenants: "1" }, version: "2.53" }, fields: ["servers[].created", "servers[].updated"] },
] as const;

describe("timestamps: Nova on MariaDB stores whole seconds, and the simulator does by default", () => {
  it("shows no sub-second part in any created_at / updated_at of services, migrations and servers", async () => {
    if (!sim || !nova) throw new Error("the contract's clouds were not set up");
    const problems: string[] = [];
    for (const target of [sim, nova]) {
      for (const { request, fields } of DATABASE_TIMES) {
        const answer = await target.send(request);
        for (const field of fields) {
          for (const value of valuesAt(answer.body, field)) {
            // "2026-12-07T03:04:05.000000", "2026-12-07T03:04:05Z" and null (never updated) are whole seconds.
            if (typeof value === "string" && !/:\d\d(\.0+)?(Z|[+-]\d\d:?\d\d)?$/.test(value)) problems.push(`${target.name} ${request.path} ${field}: ${value}`);
          }
        }
      }
    }
    expect(problems, `\n${problems.join("\n")}\n`).toEqual([]);
  });
});
