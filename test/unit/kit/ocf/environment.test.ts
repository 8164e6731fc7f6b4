import { describe, expect, it } from "vitest";
import { isProbe, readOcfEnvironment } from "../../../../src/kit/ocf/environment.js";

describe("readOcfEnvironment", () => {
  it("reads instance attributes from OCF_RESKEY_ variables, without Pacemaker's own", () => {
    const environment = readOcfEnvironment({
      OCF_RESKEY_auth_url: "http://keystone:5000/v3",
      OCF_RESKEY_no_shared_storage: "",
      OCF_RESKEY_crm_feature_set: "3.16.1",
      OCF_RESKEY_CRM_meta_name: "start",
      OCF_RESKEY_CRM_meta_timeout: "20000",
      OCF_RESOURCE_INSTANCE: "nova-evacuate",
      PATH: "/usr/bin",
    });
    expect(Object.fromEntries(environment.params)).toEqual({ auth_url: "http://keystone:5000/v3", no_shared_storage: "" });
  });

  it.each([
    ["a cluster start", { OCF_RESOURCE_INSTANCE: "nova-evacuate", OCF_RESKEY_CRM_meta_timeout: "20000", OCF_RESKEY_CRM_meta_on_node: "ctl-1" },
      { instance: "nova-evacuate", intervalMs: 0, timeoutMs: 20_000, onNode: "ctl-1", stateDir: "/run/resource-agents", debug: false }],
    ["a recurring monitor", { OCF_RESOURCE_INSTANCE: "compute:1", OCF_RESKEY_CRM_meta_interval: "10000", OCF_RESKEY_CRM_meta_timeout: "600000" },
      { instance: "compute:1", intervalMs: 10_000, timeoutMs: 600_000, onNode: undefined, debug: false }],
    ["an empty environment", {},
      { instance: "default", intervalMs: 0, timeoutMs: undefined, onNode: undefined, stateDir: "/run/resource-agents", debug: false }],
    ["garbage numbers", { OCF_RESKEY_CRM_meta_interval: "10s", OCF_RESKEY_CRM_meta_timeout: "soon" }, { intervalMs: 0, timeoutMs: undefined }],
    ["HA_RSCTMP", { HA_RSCTMP: "/var/run/heartbeat/rsctmp" }, { stateDir: "/var/run/heartbeat/rsctmp" }],
    ["an empty HA_RSCTMP", { HA_RSCTMP: "" }, { stateDir: "/run/resource-agents" }],
    ["HA_debug=1", { HA_debug: "1" }, { debug: true }],
    ["HA_debug=0", { HA_debug: "0" }, { debug: false }],
    ["OCF_TRACE_RA", { OCF_TRACE_RA: "1" }, { debug: true }],
  ])("reads %s", (_title, env, expected) => {
    expect(readOcfEnvironment(env)).toMatchObject(expected);
  });
});

describe("isProbe", () => {
  it.each([
    ["monitor without an interval is a probe", "monitor", {}, true],
    ["monitor with interval 0 is a probe", "monitor", { OCF_RESKEY_CRM_meta_interval: "0" }, true],
    ["monitor with an interval is not a probe", "monitor", { OCF_RESKEY_CRM_meta_interval: "10000" }, false],
    ["start is never a probe", "start", {}, false],
    ["validate-all is never a probe", "validate-all", {}, false],
  ])("%s", (_title, action, env, expected) => {
    expect(isProbe(action, readOcfEnvironment(env))).toBe(expected);
  });
});
