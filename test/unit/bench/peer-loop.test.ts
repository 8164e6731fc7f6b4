import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BenchAttrd, FAKE_BIN } from "../../../bench/harness/bench-attrd.js";

const LOOP = resolve(import.meta.dirname, "../../../bench/peer-nova-evacuate.sh");
const ATTRD = join(FAKE_BIN, "attrd_updater");

let dir: string;
let attrd: BenchAttrd;
let agent: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "bench-peer-loop-"));
  attrd = new BenchAttrd(join(dir, "attrd"));
  attrd.reset();
  // A stub fence_evacuate: logs "<action> <plug>", exits as STUB_STATUS_RC / STUB_OFF_RC say.
  agent = join(dir, "fence_evacuate");
  writeFileSync(agent, [
    "#!/bin/sh",
    'while [ $# -gt 0 ]; do case "$1" in -o) a=$2; shift;; -n) n=$2; shift;; esac; shift; done',
    'echo "$a $n" >> "$STUB_LOG"',
    '[ "$a" = status ] && exit "${STUB_STATUS_RC:-0}"',
    'exit "${STUB_OFF_RC:-0}"',
    "",
  ].join("\n"));
  chmodSync(agent, 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function pass(env: Record<string, string> = {}): string[] {
  const log = join(dir, "calls.log");
  writeFileSync(log, "");
  execFileSync("/bin/bash", [LOOP], {
    env: {
      PATH: `${FAKE_BIN}:/usr/bin:/bin`, FAKE_ATTRD_DIR: attrd.dir, STUB_LOG: log, PEER_FENCE_EVACUATE: agent,
      PEER_AUTH_URL: "http://sim/identity/v3", PEER_USERNAME: "admin", PEER_PASSWORD: "pw", PEER_TENANT: "admin", ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return readFileSync(log, "utf8").split("\n").filter(Boolean);
}

describe("the peer NovaEvacuate loop (one pass)", () => {
  it("evacuates flagged hosts and stale markers one after another, skips done and fresh markers", () => {
    const now = Math.floor(Date.now() / 1000);
    attrd.set("c0", "yes");
    attrd.set("c1", "");
    attrd.set("c2", `ctrl@${now}`);
    attrd.set("c3", "ctrl@100");
    attrd.set("c4", "true");
    expect(pass()).toEqual(["status c0", "off c0", "status c3", "off c3"]);
    expect(Object.fromEntries(attrd.all())).toEqual({ c0: "no", c1: "", c2: `ctrl@${now}`, c3: "no", c4: "true" });
  });

  it("puts a host back to yes when fence_evacuate off fails", () => {
    attrd.set("c0", "yes");
    expect(pass({ STUB_OFF_RC: "1" })).toEqual(["status c0", "off c0"]);
    expect(attrd.all().get("c0")).toBe("yes");
  });

  it("leaves the host alone when Nova does not know it (status exits 1)", () => {
    attrd.set("c0", "yes");
    expect(pass({ STUB_STATUS_RC: "1" })).toEqual(["status c0"]);
    expect(attrd.all().get("c0")).toBe("yes");
  });

  it("goes on when status reports OFF (exit 2)", () => {
    attrd.set("c0", "yes");
    expect(pass({ STUB_STATUS_RC: "2" })).toEqual(["status c0", "off c0"]);
  });

  it("does nothing when the attribute was never set", () => {
    rmSync(join(attrd.dir, "evacuate"), { recursive: true, force: true });
    expect(pass()).toEqual([]);
  });
});

describe("the shared fake attrd_updater (test/fakes/bin), as the benchmark uses it", () => {
  const run = (...args: string[]) => spawnSync(ATTRD, args, { env: { PATH: "/usr/bin:/bin", FAKE_ATTRD_DIR: attrd.dir }, encoding: "utf8" });

  it("treats -Q … -U v as an update, as Pacemaker does (the last command wins)", () => {
    expect(run("-p", "-n", "evacuate", "-Q", "-N", "c1", "-U", "yes").status).toBe(0);
    expect(run("-p", "-n", "evacuate", "-Q", "-N", "c1").stdout).toBe('name="evacuate" host="c1" value="yes"\n');
  });

  it("exits 78 for an attribute nobody set, in text and XML", () => {
    rmSync(join(attrd.dir, "evacuate"), { recursive: true, force: true });
    const text = run("-n", "evacuate", "-A");
    expect(text.status).toBe(78);
    expect(text.stderr).toContain("attribute does not exist");
    const xml = run("-n", "evacuate", "-Q", "-A", "--output-as=xml");
    expect(xml.status).toBe(78);
    expect(xml.stdout).toContain('<status code="78"');
  });

  it("lists every host as XML with escaped values", () => {
    attrd.set("c1", 'a"b');
    attrd.set("c2", "");
    const xml = run("-n", "evacuate", "-Q", "-A", "--output-as=xml").stdout;
    expect(xml).toContain('<attribute name="evacuate" value="a&quot;b" host="c1"/>');
    expect(xml).toContain('<attribute name="evacuate" value="" host="c2"/>');
    expect(xml).toContain('<status code="0" message="OK"/>');
  });

  it("reads this machine's value when a query names no node and no -A, as Pacemaker does", () => {
    attrd.set(hostname(), "no");
    attrd.set("c1", "yes");
    const text = run("-n", "evacuate", "-Q");
    expect(text.status).toBe(0);
    expect(text.stdout).toBe(`name="evacuate" host="${hostname()}" value="no"\n`);
  });

  it("takes --name=… and -q as Pacemaker does", () => {
    expect(run("-q", "--name=evacuate", "-N", "c1", "-U", "yes").status).toBe(0);
    expect(run("--name=evacuate", "-Q", "-N", "c1", "--output-as=text").stdout).toBe('name="evacuate" host="c1" value="yes"\n');
  });

  it("defaults the node to this machine and empties a value on -D", () => {
    run("-n", "evacuate", "-U", "yes");
    expect(attrd.all().get(hostname())).toBe("yes");
    run("-n", "evacuate", "-D");
    expect(attrd.all().get(hostname())).toBe("");
  });
});
