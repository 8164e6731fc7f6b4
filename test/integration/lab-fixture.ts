// One cloud lab per test file: started before the first test, torn down after the last (also when a test fails).
import { afterAll, beforeAll } from "vitest";
import { type CloudLab, type CloudLabOptions, startCloudLab } from "../lab/pacemaker/cloud-lab.js";

/** Prints a block of lines to the test output, prefixed with the file's label. */
export function report(title: string, body: string): void {
  process.stdout.write(`\n── ${title}\n${body.replace(/^/gm, "   ")}\n`);
}

/** Starts a lab in beforeAll and tears it down in afterAll; returns a getter for the running lab. */
export function useCloudLab(label: string, options: CloudLabOptions = {}): () => CloudLab {
  let lab: CloudLab | undefined;
  beforeAll(async () => {
    const started = Date.now();
    lab = await startCloudLab({ ...options, progress: (line) => process.stdout.write(`[${label} +${((Date.now() - started) / 1000).toFixed(1)} s] ${line}\n`) });
    report(`${label}: lab ready in ${((Date.now() - started) / 1000).toFixed(1)} s`, lab.timeline.format());
  }, 900_000); // on a fresh machine, pacemaker-up.sh installs the Debian packages first
  afterAll(async () => {
    const started = Date.now();
    await lab?.teardown();
    if (lab) report(`${label}: lab down`, `teardown took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 300_000);
  return () => {
    if (!lab) throw new Error("the lab did not start (see beforeAll)");
    return lab;
  };
}
