// Drives the recorded fake attrd_updater (test/fakes/bin): puts it first on PATH and reads/writes its state.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";

/** The directory of the fake executables. */
export const FAKE_BIN = resolve(import.meta.dirname, "bin");

/** The fake attrd of one test file. */
export interface FakeAttrd {
  /** The fake's value of `evacuate` for a host (undefined when never set). */
  value(host: string): string | undefined;
  set(host: string, value: string): void;
  /** Makes queries (or updates) fail like an unreachable attrd, or work again. */
  failQueries(fail: boolean): void;
  failUpdates(fail: boolean): void;
  /** Every attrd_updater call's argv, one line each. */
  calls(): string[];
  /** Starts over with no attribute at all (as a fresh cluster). */
  reset(): void;
  /** Removes its files. */
  remove(): void;
}

/** Puts the fake first on PATH (once) and points it at a fresh state directory (FAKE_ATTRD_DIR). */
export function useFakeAttrd(): FakeAttrd {
  if (!(process.env.PATH ?? "").startsWith(FAKE_BIN)) process.env.PATH = `${FAKE_BIN}${delimiter}${process.env.PATH ?? ""}`;
  const base = mkdtempSync(join(tmpdir(), "fake-attrd-"));
  let dir = "";
  const reset = (): void => {
    dir = mkdtempSync(join(base, "run-"));
    process.env.FAKE_ATTRD_DIR = dir;
  };
  const toggle = (file: string, on: boolean): void => {
    if (on) writeFileSync(join(dir, file), "");
    else rmSync(join(dir, file), { force: true });
  };
  reset();
  return {
    value: (host) => {
      const file = join(dir, "evacuate", host);
      return existsSync(file) ? readFileSync(file, "utf8") : undefined;
    },
    set: (host, value) => {
      mkdirSync(join(dir, "evacuate"), { recursive: true });
      // Aside, then renamed over, as the fake itself writes: an agent's query never reads a torn value.
      const aside = join(dir, "evacuate", `.${host}.${process.pid}`);
      writeFileSync(aside, value);
      renameSync(aside, join(dir, "evacuate", host));
    },
    failQueries: (fail) => toggle("fail-query", fail),
    failUpdates: (fail) => toggle("fail-update", fail),
    calls: () => (existsSync(join(dir, "calls.log")) ? readFileSync(join(dir, "calls.log"), "utf8").split("\n").filter(Boolean) : []),
    reset,
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** One fake attrd whose state lives in `dir`, for callers that pass FAKE_ATTRD_DIR to each child themselves. */
export interface FakeAttrdDir {
  readonly dir: string;
  /** A node's value of an attribute (default `evacuate`), undefined when never set. */
  value(host: string, name?: string): string | undefined;
  /** Forgets every value of a node, as attrd does when a remote node reconnects. Returns the names it dropped. */
  forget(host: string): string[];
  /** Every attrd_updater call's argv, one line each. */
  calls(): string[];
}

/** A fake attrd state directory, without touching this process's environment. */
export function fakeAttrdAt(dir: string): FakeAttrdDir {
  mkdirSync(dir, { recursive: true });
  return {
    dir,
    value: (host, name = "evacuate") => {
      const file = join(dir, name, host);
      return existsSync(file) ? readFileSync(file, "utf8") : undefined;
    },
    forget: (host) => {
      const dropped: string[] = [];
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory() && existsSync(join(dir, entry.name, host))) {
          rmSync(join(dir, entry.name, host), { force: true });
          dropped.push(entry.name);
        }
      }
      return dropped;
    },
    calls: () => (existsSync(join(dir, "calls.log")) ? readFileSync(join(dir, "calls.log"), "utf8").split("\n").filter(Boolean) : []),
  };
}
