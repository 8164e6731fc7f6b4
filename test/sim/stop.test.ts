import { describe, expect, it } from "vitest";
import { eventually } from "./sim-client.js";
import { useSimulator } from "./sim-fixture.js";

const fx = useSimulator({ seed: 7 }, { hosts: 2, serversPerHost: 3, shutoffEvery: 3 });

const first = (vmState: string) => {
  const server = fx.sim.cloud.servers().find((candidate) => candidate.vmState === vmState);
  if (!server) throw new Error(`no ${vmState} server`);
  return server;
};

const stop = (id: string) => fx.client.nova(`/servers/${id}/action`, { method: "POST", version: "2.93", body: { "os-stop": null } });

describe("os-stop", () => {
  it("answers 202 with no body, shows powering-off, then SHUTOFF", async () => {
    const server = first("active");
    const answer = await stop(server.uuid);
    expect(answer.status).toBe(202);
    expect(answer.body).toBeUndefined();
    expect(fx.sim.cloud.server(server.uuid)).toMatchObject({ taskState: "powering-off" });
    await eventually(() => (fx.sim.cloud.server(server.uuid)?.vmState === "stopped" ? true : undefined));
    expect(fx.sim.cloud.server(server.uuid)).toMatchObject({ taskState: null, powerState: 4 });
  });

  it("refuses a stopped server with 409, naming its vm_state", async () => {
    const server = first("stopped");
    const answer = await stop(server.uuid);
    expect(answer.status).toBe(409);
    expect(JSON.stringify(answer.body)).toContain("while it is in vm_state stopped");
  });

  it("refuses a server in a task with 409", async () => {
    const server = first("active");
    fx.sim.cloud.setServerState(server.uuid, { taskState: "rebuilding" });
    expect((await stop(server.uuid)).status).toBe(409);
  });
});
