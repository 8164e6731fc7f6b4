// An in-memory AttrdClient for recovery tests: attrd's private `evacuate` values, every write recorded, failures on demand.
import type { AttrdClient } from "../../../src/pacemaker/attrd.js";

/** attrd in memory. */
export class MemoryAttrd implements AttrdClient {
  /** host → value, as attrd holds them. */
  readonly values = new Map<string, string>();
  /** Every update, in order, as [host, value]. */
  readonly writes: [string, string][] = [];
  /** Makes every call fail, as when Pacemaker is down on this node. */
  broken = false;

  constructor(initial: Record<string, string> = {}) {
    for (const [host, value] of Object.entries(initial)) this.values.set(host, value);
  }

  private check(): void {
    if (this.broken) throw new Error("attrd_updater could not list evacuate: Transport endpoint is not connected");
  }

  async queryAll(): Promise<Map<string, string>> {
    this.check();
    return new Map(this.values);
  }

  async query(host: string): Promise<string> {
    this.check();
    return this.values.get(host) ?? "";
  }

  async update(host: string, value: string): Promise<void> {
    this.check();
    this.writes.push([host, value]);
    this.values.set(host, value);
  }
}
