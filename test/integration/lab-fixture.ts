// One cloud lab for the whole run: the first test file starts it, each next file of the same shape gets it back reset
// to its deployed state (lab-reuse.ts), a file of another shape or after a failed test gets a new one, and the run's
// global teardown (lab-global.ts) stops the last. The integration project runs its files in one process (isolate: false).
import { afterAll, afterEach, beforeAll } from "vitest";
import { type CloudLab, type CloudLabOptions, startCloudLab } from "../lab/pacemaker/cloud-lab.js";
import { type Deployment, rememberDeployment, resetCloudLab } from "../lab/pacemaker/lab-reuse.js";
import { labShape, sameShape } from "../lab/pacemaker/lab-options.js";

/** Prints a block of lines to the test output, prefixed with the file's label. */
export function report(title: string, body: string): void {
  process.stdout.write(`\n── ${title}\n${body.replace(/^/gm, "   ")}\n`);
}

/** The lab kept between files, what it was deployed as, and whether a test failed on it. */
let shared: { lab: CloudLab; deployment: Deployment; failed: boolean } | undefined;
/** Where the shared lab's progress lines go: the current file's label. */
let progressTo: (line: string) => void = () => undefined;

/** Tears the shared lab down, if any (before a file that brings up its own, such as the demo). */
export async function releaseSharedLab(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (!current) return;
  const started = Date.now();
  await current.lab.teardown();
  report("shared lab down", `teardown took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The shared lab reset for `options`, when it has their shape and every test on it passed; else a new one. */
async function labFor(options: CloudLabOptions): Promise<{ lab: CloudLab; how: string }> {
  const shape = labShape(options);
  if (shared && !shared.failed && sameShape(shared.deployment.shape, shape)) {
    try {
      await resetCloudLab(shared.lab, shared.deployment, options);
      return { lab: shared.lab, how: "reused" };
    } catch (error) {
      progressTo(`the lab could not be reset (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); starting a new one`);
    }
  }
  await releaseSharedLab();
  const lab = await startCloudLab({ ...options, progress: (line) => progressTo(line) });
  shared = { lab, deployment: await rememberDeployment(lab, shape), failed: false };
  return { lab, how: "ready" };
}

/** Gets the file a lab in beforeAll (the shared one reset, or a new one); returns a getter for it. */
export function useCloudLab(label: string, options: CloudLabOptions = {}): () => CloudLab {
  let lab: CloudLab | undefined;
  beforeAll(async () => {
    const started = Date.now();
    progressTo = (line) => process.stdout.write(`[${label} +${((Date.now() - started) / 1000).toFixed(1)} s] ${line}\n`);
    const got = await labFor(options);
    lab = got.lab;
    report(`${label}: lab ${got.how} in ${((Date.now() - started) / 1000).toFixed(1)} s`, lab.timeline.format());
  }, 900_000); // on a fresh machine, pacemaker-up.sh installs the Debian packages first
  afterEach(({ task }) => {
    if (task.result?.state === "fail" && shared) shared.failed = true;
  });
  afterAll(async () => {
    // A lab a test failed on is not handed on: it goes now, and the next file starts a new one.
    if (shared?.failed) await releaseSharedLab();
  }, 300_000);
  return () => {
    if (!lab) throw new Error("the lab did not start (see beforeAll)");
    return lab;
  };
}
