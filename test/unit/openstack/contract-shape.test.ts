// The contract's comparison (test/nova/contract-shape.ts): field paths, JSON types, and mismatches that name the call and the field.
import { describe, expect, it } from "vitest";
import { compareAnswers, errorMessage, typesAt } from "../../nova/contract-shape.js";
import type { Answer } from "../../nova/lab.js";

const body = {
  services: [{ id: "u-1", forced_down: false, disabled_reason: null }, { id: 7, forced_down: true, disabled_reason: "x" }],
  flavor: { extra_specs: { evacuable: "true", "hw:cpu": 2 } },
  empty: [],
};

function answer(status: number, data: unknown, headers: Record<string, string> = {}): Answer {
  return { status, headers: new Headers(headers), body: data };
}

describe("typesAt", () => {
  it.each([
    ["services[].id", ["number", "string"]],
    ["services[].disabled_reason", ["null", "string"]],
    ["services[].missing", ["absent"]],
    ["flavor.extra_specs.*", ["number", "string"]],
    ["flavor.extra_specs", ["object"]],
    ["empty[].id", []],
    ["nothing.deeper", ["absent"]],
    ["$", ["object"]],
  ])("finds %s as %j", (path, types) => {
    expect([...typesAt(body, path)].sort()).toEqual(types);
  });

  it.each([
    ["2026-11-21T06:14:21.000000", "time 2026-01-02T03:04:05.ffffff"],
    ["2026-11-21T06:08:13Z", "time 2026-01-02T03:04:05Z"],
    ["2026-11-21T07:14:29.000000Z", "time 2026-01-02T03:04:05.ffffffZ"],
    ["2026-11-21 06:14:21+02:00", "time 2026-01-02 03:04:05+00:00"],
    ["compute-1", "string"],
  ])("types the string %s by its timestamp format (%s)", (value, type) => {
    expect([...typesAt({ at: value }, "at")]).toEqual([type]);
  });

  it("reads an empty answer as absent", () => {
    expect([...typesAt(undefined, "$")]).toEqual(["absent"]);
  });
});

describe("compareAnswers", () => {
  const call = { name: "services: one host", status: 200, fields: ["services[].id", "services[].forced_down"], headers: ["openstack-api-version"] };
  const nova = answer(200, { services: [{ id: "u-1", forced_down: false }] }, { "OpenStack-API-Version": "compute 2.93" });

  it("finds nothing when both agree", () => {
    expect(compareAnswers(call, nova, nova)).toEqual([]);
  });

  it("names the call and the field whose type differs", () => {
    const sim = answer(200, { services: [{ id: 1, forced_down: false }] }, { "OpenStack-API-Version": "compute 2.93" });
    expect(compareAnswers(call, sim, nova)).toEqual(["services: one host: field services[].id: simulator number, nova string"]);
  });

  it("names a field present on one side only", () => {
    const sim = answer(200, { services: [{ id: "u-2" }] }, { "OpenStack-API-Version": "compute 2.93" });
    expect(compareAnswers(call, sim, nova)).toEqual(["services: one host: field services[].forced_down: simulator absent, nova boolean"]);
  });

  it("names differing statuses, a header missing on one side and a different header value", () => {
    const sim = answer(404, { itemNotFound: { message: "gone" } });
    const problems = compareAnswers(call, sim, nova);
    expect(problems).toContain("services: one host: status: simulator 404, nova 200");
    expect(problems).toContain("services: one host: status: simulator answered 404, the contract expects 200 (gone)");
    expect(problems).toContain("services: one host: header openstack-api-version: simulator absent, nova present");
    const other = answer(200, nova.body, { "OpenStack-API-Version": "compute 2.1" });
    expect(compareAnswers(call, other, nova)).toEqual(['services: one host: header openstack-api-version: simulator "compute 2.1", nova "compute 2.93"']);
  });

  it("refuses to pass a field nobody had (an empty list on both sides)", () => {
    const empty = answer(200, { services: [] }, { "OpenStack-API-Version": "compute 2.93" });
    expect(compareAnswers(call, empty, empty)).toContain("services: one host: field services[].id: no values on either side, nothing was compared (the call's setup is wrong)");
  });

  it("tolerates null on one side only for fields marked ~", () => {
    const strict = { name: "m", status: 200, fields: ["migrations[].dest_compute"] };
    const tolerant = { ...strict, fields: ["migrations[].dest_compute~"] };
    const sim = answer(200, { migrations: [{ dest_compute: "compute-1" }] });
    const lab = answer(200, { migrations: [{ dest_compute: "compute-1" }, { dest_compute: null }] });
    expect(compareAnswers(strict, sim, lab)).toEqual(["m: field migrations[].dest_compute: simulator string, nova null|string"]);
    expect(compareAnswers(tolerant, sim, lab)).toEqual([]);
    expect(compareAnswers(tolerant, sim, answer(200, { migrations: [{ dest_compute: 3 }] }))).toHaveLength(1);
  });

  it("checks the error message both give", () => {
    const refusal = { name: "evacuate", status: 400, fields: ["badRequest.message"], message: /still in use/ };
    const sim = answer(400, { badRequest: { message: "Compute service of compute-1 is still in use." } });
    const lab = answer(400, { badRequest: { message: "Invalid input" } });
    expect(compareAnswers(refusal, sim, lab)).toEqual(['evacuate: message: nova said "Invalid input", expected /still in use/']);
    expect(errorMessage({ message: "top" })).toBe("top");
  });
});
