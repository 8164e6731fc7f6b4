// attrd_updater client: real output shapes, exit codes, and the exact argv it sends (fake binary first on PATH).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AgentError } from "../../../src/kit/agent-error.js";
import { attrdUpdater, parseAttrdXml } from "../../../src/pacemaker/attrd.js";
import { createFakeAttrdUpdater, type FakeAttrdUpdater } from "./fake-attrd-updater.js";

// Outputs of Pacemaker 2.1.5 (pacemaker-lab.md §2 and this machine).
const QUERY_ALL_XML = `<pacemaker-result api-version="2.25" request="attrd_updater -n evacuate -Q -A --output-as=xml">
  <attribute name="evacuate" value="yes" host="compute-1"/>
  <attribute name="evacuate" value="yes" host="vm"/>
  <status code="0" message="OK"/>
</pacemaker-result>
`;
const QUERY_ONE_XML = (host: string, value: string) => `<pacemaker-result api-version="2.25" request="attrd_updater -p -n evacuate -Q -N ${host} --output-as=xml">
  <attribute name="evacuate" value="${value}" host="${host}"/>
  <status code="0" message="OK"/>
</pacemaker-result>
`;
const DOES_NOT_EXIST_XML = `<pacemaker-result api-version="2.25" request="attrd_updater -n evacuate -Q -A --output-as=xml">
  <status code="78" message="Invalid configuration">
    <errors>
      <error>attrd_updater: Could not query value of evacuate: attribute does not exist</error>
    </errors>
  </status>
</pacemaker-result>
`;
const NOT_CONNECTED_XML = `<pacemaker-result api-version="2.25" request="attrd_updater -n evacuate -Q -A --output-as=xml">
  <status code="107" message="Transport endpoint is not connected">
    <errors>
      <error>attrd_updater: Could not query value of evacuate: Transport endpoint is not connected</error>
    </errors>
  </status>
</pacemaker-result>
`;

describe("parseAttrdXml", () => {
  it.each<{ title: string; xml: string; expected: [string, string][] }>([
    { title: "a listing of every host", xml: QUERY_ALL_XML, expected: [["compute-1", "yes"], ["vm", "yes"]] },
    { title: "one host with an empty (or unset) value", xml: QUERY_ONE_XML("compute-9", ""), expected: [["compute-9", ""]] },
    { title: "an in-progress marker", xml: QUERY_ONE_XML("compute-1", "ctl-1@1714557600"), expected: [["compute-1", "ctl-1@1714557600"]] },
    { title: "an error answer", xml: DOES_NOT_EXIST_XML, expected: [] },
    { title: "escaped characters", xml: '<attribute name="evacuate" value="a&amp;b &quot;c&quot; &lt;d&gt;" host="h&apos;1"/>', expected: [["h'1", 'a&b "c" <d>']] },
    { title: "attributes in any order", xml: '<attribute host="c2" name="evacuate" value="no"/>', expected: [["c2", "no"]] },
  ])("reads $title", ({ xml, expected }) => {
    expect([...parseAttrdXml(xml)]).toEqual(expected);
  });
});

describe("attrdUpdater against a fake attrd_updater first on PATH", () => {
  let fake: FakeAttrdUpdater;
  const path = process.env.PATH;

  beforeAll(() => {
    fake = createFakeAttrdUpdater();
    process.env.PATH = `${fake.dir}:${path ?? ""}`;
  });
  afterAll(() => {
    process.env.PATH = path;
    fake.remove();
  });

  let seen = 0;
  /** The argv of the calls since the previous look. */
  function newCalls(): string[][] {
    const all = fake.calls();
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  }
  afterEach(() => void newCalls());

  it("lists every host's value with -n evacuate -Q -A --output-as=xml", async () => {
    fake.reply({ stdout: QUERY_ALL_XML });
    expect([...(await attrdUpdater().queryAll())]).toEqual([["compute-1", "yes"], ["vm", "yes"]]);
    expect(newCalls()).toEqual([["-n", "evacuate", "-Q", "-A", "--output-as=xml"]]);
  });

  it("reads one host privately with -p -n evacuate -Q -N <host>", async () => {
    fake.reply({ stdout: QUERY_ONE_XML("compute-1", "yes") });
    expect(await attrdUpdater().query("compute-1")).toBe("yes");
    expect(newCalls()).toEqual([["-p", "-n", "evacuate", "-Q", "-N", "compute-1", "--output-as=xml"]]);
  });

  it("writes with -p -n evacuate -N <host> -U <value>", async () => {
    fake.reply({});
    await attrdUpdater().update("compute-1.example.com", "ctl-1@1714557600");
    expect(newCalls()).toEqual([["-p", "-n", "evacuate", "-N", "compute-1.example.com", "-U", "ctl-1@1714557600"]]);
  });

  it("uses another attribute name when told", async () => {
    fake.reply({});
    await attrdUpdater({ name: "other" }).update("h", "no");
    expect(newCalls()).toEqual([["-p", "-n", "other", "-N", "h", "-U", "no"]]);
  });

  it("reads exit 78 (attribute does not exist) as nobody flagged", async () => {
    fake.reply({ stdout: DOES_NOT_EXIST_XML, rc: 78 });
    expect((await attrdUpdater().queryAll()).size).toBe(0);
    expect(await attrdUpdater().query("compute-1")).toBe("");
  });

  it("reads a host missing from the answer as unset", async () => {
    fake.reply({ stdout: QUERY_ONE_XML("compute-9", "yes") });
    expect(await attrdUpdater().query("compute-1")).toBe("");
  });

  it.each([
    { action: "queryAll", call: () => attrdUpdater().queryAll(), reply: { stdout: NOT_CONNECTED_XML, rc: 107 }, detail: "Transport endpoint is not connected" },
    { action: "query", call: () => attrdUpdater().query("compute-1"), reply: { stdout: NOT_CONNECTED_XML, rc: 107 }, detail: "Transport endpoint is not connected" },
    { action: "query", call: () => attrdUpdater().query("compute-1"), reply: { rc: 1 }, detail: "exit 1" },
    { action: "update", call: () => attrdUpdater().update("compute-1", "no"), reply: { stderr: "attrd_updater: Could not update evacuate=no: Connection refused\n", rc: 1 }, detail: "Could not update evacuate=no: Connection refused" },
  ])("turns a failed $action ($detail) into an AgentError, never into a value", async ({ call, reply, detail }) => {
    fake.reply(reply);
    const error = await call().then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(AgentError);
    expect(error).toMatchObject({ kind: "generic" });
    expect((error as Error).message).toContain(detail);
    expect((error as Error).message).not.toContain("attrd_updater: attrd_updater");
  });

  it("takes an explicit binary path over PATH", async () => {
    const other = createFakeAttrdUpdater();
    try {
      other.reply({ stdout: QUERY_ONE_XML("compute-1", "no") });
      expect(await attrdUpdater({ binary: other.binary }).query("compute-1")).toBe("no");
      expect(other.calls()).toHaveLength(1);
      expect(newCalls()).toEqual([]);
    } finally {
      other.remove();
    }
  });

  it("says Pacemaker is not installed when the binary is missing", async () => {
    const error = await attrdUpdater({ binary: `${fake.dir}/no-such-attrd_updater` }).queryAll().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AgentError);
    expect(error).toMatchObject({ kind: "installed" });
  });
});
