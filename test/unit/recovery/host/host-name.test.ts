// Cluster node name → Nova service host: exact, case, <short>.<domain> and short-name rules, per host.
import { describe, expect, it } from "vitest";
import { AgentError } from "../../../../src/kit/agent-error.js";
import { domainOf, matchNovaHost, resolveNovaHost, shortName } from "../../../../src/recovery/host/host-name.js";

const FQDN_CLOUD = ["compute-0.example.com", "compute-1.example.com"];
const SHORT_CLOUD = ["compute-0", "compute-1"];
/** Nova registered some hosts short and some FQDN, in two domains: the peer exits 1 for every host here. */
const MIXED_CLOUD = ["compute-0", "compute-1.example.com", "compute-2.other.org", "compute-3.example.com"];

describe("resolveNovaHost", () => {
  it.each([
    ["compute-0", FQDN_CLOUD, undefined, "compute-0.example.com"],
    ["compute-0.example.com", FQDN_CLOUD, undefined, "compute-0.example.com"],
    ["compute-0.example.com", SHORT_CLOUD, undefined, "compute-0"],
    ["compute-1", SHORT_CLOUD, undefined, "compute-1"],
    ["COMPUTE-1", SHORT_CLOUD, undefined, "compute-1"],
    ["compute-0", MIXED_CLOUD, undefined, "compute-0"],
    ["compute-1", MIXED_CLOUD, undefined, "compute-1.example.com"],
    ["compute-2", MIXED_CLOUD, undefined, "compute-2.other.org"],
    ["compute-2.cluster.local", MIXED_CLOUD, undefined, "compute-2.other.org"],
    ["compute-0", FQDN_CLOUD, "wrong.domain", "compute-0.example.com"],
  ])("maps %s in %j (domain %s) to %s", (plug, hosts, domain, expected) => {
    expect(resolveNovaHost(plug, hosts, domain)).toBe(expected);
  });

  it("prefers the exact name when Nova has the host both short and as FQDN", () => {
    const hosts = ["compute-0", "compute-0.example.com"];
    expect(resolveNovaHost("compute-0", hosts)).toBe("compute-0");
    expect(resolveNovaHost("compute-0.example.com", hosts)).toBe("compute-0.example.com");
  });

  it("uses the domain to choose between hosts that share a short name", () => {
    const hosts = ["compute-0.a.example", "compute-0.b.example"];
    expect(resolveNovaHost("compute-0", hosts, "b.example")).toBe("compute-0.b.example");
    expect(resolveNovaHost("compute-0", hosts, ".a.example")).toBe("compute-0.a.example");
  });

  it("refuses to guess when two hosts share the short name, naming both", () => {
    const hosts = ["compute-0.a.example", "compute-0.b.example", "compute-1.a.example"];
    const error = (() => {
      try {
        resolveNovaHost("compute-0", hosts);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).message).toMatch(/compute-0\.a\.example, compute-0\.b\.example/);
    expect((error as AgentError).message).toMatch(/set domain/);
    expect((error as AgentError).message).not.toMatch(/compute-1/);
  });

  it("says which hosts Nova knows when none matches", () => {
    expect(() => resolveNovaHost("compute-9", SHORT_CLOUD)).toThrow(
      "Nova has no nova-compute service for host compute-9 (known: compute-0, compute-1)",
    );
  });

  it("abbreviates a long list of known hosts", () => {
    const hosts = Array.from({ length: 20 }, (_, index) => `c${String(index).padStart(2, "0")}`);
    expect(() => resolveNovaHost("x", hosts)).toThrow(/c00, .*c07, … \(20 in all\)\)$/);
  });

  it("reports which rule matched", () => {
    expect(matchNovaHost("compute-0", ["compute-0.example.com"])).toEqual({ kind: "found", host: "compute-0.example.com", rule: "short name" });
    expect(matchNovaHost("x", [])).toEqual({ kind: "unknown", known: [] });
  });
});

describe("shortName and domainOf", () => {
  it.each([
    ["compute-0.example.com", "compute-0", "example.com"],
    ["compute-0", "compute-0", ""],
  ])("split %s into %s and %s", (host, short, domain) => {
    expect(shortName(host)).toBe(short);
    expect(domainOf(host)).toBe(domain);
  });
});
