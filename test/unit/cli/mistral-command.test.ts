import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { installWorkflowCommand } from "../../../src/cli/mistral-command.js";
import { startFakeBackends, type FakeBackends } from "../openstack/masakari/fake-backends.js";

let fake: FakeBackends | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const env = (url: string): NodeJS.ProcessEnv => ({
  OS_AUTH_URL: `${url}/v3`, OS_USERNAME: "admin", OS_PASSWORD: "secret", OS_PROJECT_NAME: "admin",
  OS_USER_DOMAIN_NAME: "Default", OS_PROJECT_DOMAIN_NAME: "Default", OS_INTERFACE: "public",
});

function workflowFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), "nova-ha-wf-")), "wf.yaml");
  writeFileSync(path, "---\nversion: '2.0'\nnova-ha-host-evacuate: {}\n");
  return path;
}

/** A fake Mistral that answers 409 to a second POST of the workflow, as Mistral does; a definition file and the command's deps. */
async function startWorkflowMistral() {
  const names = new Set<string>();
  fake = await startFakeBackends((req) => {
    if (req.method === "POST" && names.has("wf")) return { status: 409, body: { faultstring: "Duplicate entry" } };
    names.add("wf");
    return { status: req.method === "POST" ? 201 : 200, body: { workflows: [{ id: "w-1", name: "nova-ha-host-evacuate" }] } };
  });
  return { fake, file: workflowFile(), deps: { env: env(fake.server.url), log: pino({ level: "silent" }) } };
}

describe("installWorkflowCommand", () => {
  it("creates the workflow, and updates it when Mistral says the name exists", async () => {
    const { file, deps } = await startWorkflowMistral();
    expect((await installWorkflowCommand({ file, interface: "public" }, deps)).stdout).toBe(`workflow nova-ha-host-evacuate created (w-1) from ${file}\n`);
    expect((await installWorkflowCommand({ file, interface: "public" }, deps)).stdout).toBe(`workflow nova-ha-host-evacuate updated (w-1) from ${file}\n`);
    expect(fake!.calls("mistral").map((c) => c.method)).toEqual(["POST", "POST", "PUT"]);
  });

  it("with public, creates and updates the workflow in Mistral's public scope, so that backend_cloud's own project can run it", async () => {
    const { file, deps } = await startWorkflowMistral();
    expect((await installWorkflowCommand({ file, interface: "public", public: true }, deps)).stdout).toBe(`workflow nova-ha-host-evacuate created (w-1, public) from ${file}\n`);
    expect((await installWorkflowCommand({ file, interface: "public", public: true }, deps)).stdout).toBe(`workflow nova-ha-host-evacuate updated (w-1, public) from ${file}\n`);
    expect(fake!.calls("mistral").map((c) => `${c.method} ${c.query.get("scope")}`)).toEqual(["POST public", "POST public", "PUT public"]);
    await installWorkflowCommand({ file, interface: "public" }, deps);
    // Without it, the scope is left to Mistral (private), as before: a PUT without scope makes a public workflow private again.
    expect(fake!.calls("mistral").slice(3).map((c) => `${c.method} ${c.query.get("scope")}`)).toEqual(["POST null", "PUT null"]);
  });

  it("says what to do when the definition is missing", async () => {
    await expect(installWorkflowCommand({ file: "/nonexistent/wf.yaml" }, { env: {}, log: pino({ level: "silent" }) }))
      .rejects.toThrow("cannot read the workflow /nonexistent/wf.yaml (ENOENT): run make install, or give --file");
  });
});
