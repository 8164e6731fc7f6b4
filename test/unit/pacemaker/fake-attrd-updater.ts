// A fake attrd_updater for unit tests: records every argv and answers with a canned stdout, stderr and exit code.
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What the fake prints and returns on its next calls. */
export interface FakeReply {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly rc?: number;
}

/** A fake attrd_updater in its own directory. */
export interface FakeAttrdUpdater {
  /** The directory holding the executable (put it first on PATH). */
  readonly dir: string;
  /** The executable's path. */
  readonly binary: string;
  /** Sets the answer of every following call. */
  reply(reply: FakeReply): void;
  /** The argv of every call so far, oldest first. */
  calls(): string[][];
  remove(): void;
}

/** The script: CommonJS (the temp dir has no package.json), run by this very node binary. */
const SCRIPT = `
const fs = require("node:fs");
const path = require("node:path");
fs.appendFileSync(path.join(__dirname, "calls.jsonl"), JSON.stringify(process.argv.slice(2)) + "\\n");
const reply = JSON.parse(fs.readFileSync(path.join(__dirname, "reply.json"), "utf8"));
process.stdout.write(reply.stdout ?? "");
process.stderr.write(reply.stderr ?? "");
process.exitCode = reply.rc ?? 0;
`;

/** Writes a fake attrd_updater into a fresh temp directory. */
export function createFakeAttrdUpdater(): FakeAttrdUpdater {
  const dir = mkdtempSync(join(tmpdir(), "fake-attrd-"));
  const binary = join(dir, "attrd_updater");
  writeFileSync(binary, `#!${process.execPath}\n${SCRIPT}`);
  chmodSync(binary, 0o755);
  writeFileSync(join(dir, "reply.json"), "{}");
  appendFileSync(join(dir, "calls.jsonl"), "");
  return {
    dir,
    binary,
    reply: (reply) => writeFileSync(join(dir, "reply.json"), JSON.stringify(reply)),
    calls: () =>
      readFileSync(join(dir, "calls.jsonl"), "utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as string[]),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
