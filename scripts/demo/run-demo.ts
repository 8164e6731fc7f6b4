// The demo from start to end: bring-up, power-off, live recovery, the node's return, timeline, summary, teardown.
import type { CloudLab } from "../../test/lab/pacemaker/cloud-lab.js";
import { fileOffset, PACEMAKER_LOG } from "../../test/lab/pacemaker/cluster-probe.js";
import { pacemakerLabRunning } from "../../test/lab/pacemaker/lab-ownership.js";
import { painter, type Paint } from "./ansi.js";
import { bringUpDemoLab, tearDownOwnLab } from "./demo-lab.js";
import type { Display } from "./display.js";
import type { OriginalInstance } from "./instance-phase.js";
import { Interrupted } from "./interrupt.js";
import type { DemoOptions } from "./options.js";
import { RecoveryTracker } from "./recovery-tracker.js";
import { RecoveryWatch } from "./recovery-watch.js";
import { demoSucceeded, formatSummary, summarize, verdict } from "./summary.js";

/** Exit codes by signal, as a shell reports a process killed by it. */
const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** How long the healthy lab is shown before the power-off. */
const HEALTHY_MS = 3000;
/** How long the demo waits for unfencing to power the node on before it does so itself. */
const POWER_ON_GRACE_MS = 20_000;

/** A printer of progress lines stamped with the time since the demo began. */
function stamped(display: Display, paint: Paint): (line: string) => void {
  const started = Date.now();
  return (line) => display.line(`${paint("dim", `[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s]`)} ${line}`);
}

/** The failure and the return of one node, shown live; returns the tracker with everything that was seen. */
async function failAndRecover(lab: CloudLab, options: DemoOptions, display: Display, paint: Paint, signal: AbortSignal, onWatch: (w: RecoveryWatch) => void): Promise<RecoveryTracker> {
  const host = lab.computes[0] ?? "compute-1";
  const originals: OriginalInstance[] = (await lab.sim.control.servers(host))
    .map((s) => ({ uuid: s.uuid, name: s.name, stopped: s.vmState === "stopped" }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const tracker = new RecoveryTracker(host, originals, lab.computes, lab.spares);
  const watch = new RecoveryWatch(tracker, { lab, failedHost: host, logOffset: fileOffset(PACEMAKER_LOG) }, display, paint, signal);
  onWatch(watch);
  const timeoutMs = options.timeout * 1000;
  watch.headline = `healthy: ${originals.length} instances on ${host}; powering it off in ${HEALTHY_MS / 1000} s`;
  watch.startFrames();
  await watch.pause(HEALTHY_MS);

  const requests = (await lab.sim.control.counts()).total;
  tracker.markKill(await lab.powerOff(host), requests);
  watch.headline = `${host} powered off: fencing, then recovery`;
  const recovered = await watch.until(() => tracker.reached.has("all-recovered") && tracker.reached.has("flag-no"), timeoutMs);
  if (recovered) {
    watch.headline = `all recovered; ${host} comes back`;
    if (!(await watch.until(() => tracker.snapshot.power.get(host) === true, POWER_ON_GRACE_MS))) {
      tracker.mark("powered-on", `${host} powered on by the demo`, await lab.powerOn(host));
    }
    watch.headline = `${host} is on: unfencing, then NovaCompute`;
    await watch.until(() => tracker.reached.has("in-service"), timeoutMs);
  }
  watch.headline = demoSucceeded(summarize(tracker)) ? `done: instances recovered, ${host} in service` : "stopped waiting: see the summary";
  watch.stopFrames();
  return tracker;
}

/** The timeline and the summary. */
function report(tracker: RecoveryTracker, display: Display, paint: Paint): boolean {
  const summary = summarize(tracker);
  display.line("");
  display.line(paint("bold", `timeline (seconds after ${tracker.failedHost} was powered off)`));
  for (const line of tracker.timeline.format(tracker.killLabel).split("\n")) display.line(`  ${line}`);
  display.line("");
  display.line(paint("bold", "summary"));
  for (const line of formatSummary(summary, tracker.failedHost)) display.line(line);
  const ok = demoSucceeded(summary);
  display.line(paint(ok ? "green" : "red", verdict(summary, tracker.failedHost)));
  return ok;
}

/** Finishes the line "…tearing the lab down… " (written by the caller) once the lab is down; false when something was left. */
async function teardown(lab: CloudLab | undefined, display: Display, since: number): Promise<boolean> {
  const took = (): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;
  try {
    const had = await tearDownOwnLab(lab);
    const left = had && pacemakerLabRunning();
    display.write(`done in ${took()}${left ? "; a Pacemaker lab is STILL running" : ""}.\n`);
    return !left;
  } catch (error) {
    display.write(`FAILED after ${took()}: ${error instanceof Error ? error.message : String(error)}\n`);
    return false;
  }
}

/** The name a signal goes by in the one line an interrupted demo prints. */
function signalName(reason: unknown): string {
  return reason === "SIGINT" ? "Ctrl-C" : String(reason);
}

/** Runs the demo; returns the exit code. */
export async function runDemo(options: DemoOptions, display: Display, signal: AbortSignal): Promise<number> {
  const paint = painter(options.color);
  const print = stamped(display, paint);
  let lab: CloudLab | undefined;
  let watch: RecoveryWatch | undefined;
  let code = 1;
  let interrupted: Interrupted | undefined;
  // The one line of an interruption starts at once; it ends when the lab is down (a bring-up tears itself down).
  let abortedAt = Date.now();
  let finalTeardown = false;
  const onAbort = (): void => {
    abortedAt = Date.now();
    if (finalTeardown) return;
    display.seal();
    display.write(`${signalName(signal.reason)}: tearing the lab down… `);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  try {
    print(`bringing up a Pacemaker cluster with ${options.computes} pacemaker_remote compute nodes, the Nova simulator, and the agents as docs/deploy.md deploys them`);
    lab = await bringUpDemoLab(options, print, signal);
    print(`lab ready: compute nodes ${lab.computes.join(" ")}, spare hosts ${lab.spares.join(" ") || "none"} (simulator seed ${options.seed})`);
    const tracker = await failAndRecover(lab, options, display, paint, signal, (w) => (watch = w));
    code = report(tracker, display, paint) ? 0 : 1;
  } catch (error) {
    watch?.stopFrames();
    if (error instanceof Interrupted) interrupted = error;
    else display.line(paint("red", `demo failed: ${error instanceof Error ? error.message : String(error)}`));
  }
  if (!interrupted && signal.aborted) interrupted = new Interrupted(String(signal.reason));
  if (interrupted) {
    await teardown(lab, display, abortedAt);
    return SIGNAL_EXIT[interrupted.signal] ?? 130;
  }
  if (options.keep && lab) {
    display.line("");
    display.line("The lab is still up (--keep). Look around:");
    display.line("  crm_mon -1                               # the cluster, the fence devices, nova-evacuate, nova-compute-clone");
    display.line("  stonith_admin --history '*'              # the fencing and unfencing of compute-1");
    display.line(`  nova-ha status --cloud nova-ha-lab --all  # hosts and instances as the agents see them (Nova is the simulator at ${lab.sim.baseUrl})`);
    display.line("Tear it down with:  npm run demo -- --teardown");
    return code;
  }
  finalTeardown = true;
  display.write("tearing the lab down… ");
  if (!(await teardown(lab, display, Date.now()))) return 1;
  return signal.aborted ? (SIGNAL_EXIT[String(signal.reason)] ?? 130) : code;
}
