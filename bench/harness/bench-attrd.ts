// The benchmark's side of the file-backed attrd_updater the unit tests use too (test/fakes/bin): where it keeps
// values, and reading them.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The directory of the fake attrd_updater, to put first on PATH. */
export const FAKE_BIN = join(import.meta.dirname, "..", "..", "test", "fakes", "bin");

/** The `evacuate` attribute as the fake attrd_updater stores it (FAKE_ATTRD_DIR). */
export class BenchAttrd {
  constructor(readonly dir: string) {}

  private get attribute(): string {
    return join(this.dir, "evacuate");
  }

  /** Forgets every value (as a freshly started cluster: the attribute does not exist) and the fake's call log. */
  reset(): void {
    rmSync(this.attribute, { recursive: true, force: true });
    rmSync(join(this.dir, "calls.log"), { force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  /** Sets one host's value. */
  set(host: string, value: string): void {
    mkdirSync(this.attribute, { recursive: true });
    writeFileSync(join(this.attribute, host), value);
  }

  /** Every host's value. */
  all(): Map<string, string> {
    if (!existsSync(this.attribute)) return new Map();
    return new Map(readdirSync(this.attribute).map((host) => [host, readFileSync(join(this.attribute, host), "utf8")]));
  }
}
