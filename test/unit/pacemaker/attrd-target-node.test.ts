import { execFileSync } from "node:child_process";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { attrdUpdater } from "../../../src/pacemaker/attrd.js";
import { FAKE_BIN, useFakeAttrd } from "../../fakes/fake-attrd.js";

const fake = useFakeAttrd();
afterAll(() => fake.remove());
afterEach(() => {
  delete process.env.OCF_RESKEY_CRM_meta_on_node;
});

describe("attrd_updater inside a Pacemaker resource action (OCF_RESKEY_CRM_meta_on_node set)", () => {
  it("the fake, like Pacemaker 2.1.5, then lists the controller's own value alone, even with -A", () => {
    fake.set("controller-1", "no");
    fake.set("compute-1", "yes");
    const listed = execFileSync(`${FAKE_BIN}/attrd_updater`, ["-n", "evacuate", "-Q", "-A"], {
      env: { ...process.env, OCF_RESKEY_CRM_meta_on_node: "controller-1" }, encoding: "utf8",
    });
    expect(listed).toBe('name="evacuate" host="controller-1" value="no"\n');
  });

  it("queryAll still lists every node's flag, so NovaEvacuate sees the fenced compute hosts", async () => {
    fake.set("controller-1", "no");
    fake.set("compute-1", "yes");
    process.env.OCF_RESKEY_CRM_meta_on_node = "controller-1";
    expect(Object.fromEntries(await attrdUpdater().queryAll())).toEqual({ "controller-1": "no", "compute-1": "yes" });
  });
});
