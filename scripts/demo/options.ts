// The demo's command line, parsed with commander.
import { Command, InvalidArgumentError, Option } from "commander";

/** What the demo was asked to do. */
export interface DemoOptions {
  /** Lab compute nodes compute-1..N (pacemaker_remote nodes). */
  computes: number;
  /** Instances on the compute nodes, spread evenly (the spare hosts get as many each). */
  instances: number;
  /** Simulator-only hosts spare-1..M: more capacity to evacuate to. */
  spares: number;
  /** Leave the lab up at the end. */
  keep: boolean;
  /** Only tear down a lab an earlier --keep left. */
  teardown: boolean;
  /** ANSI colours. */
  color: boolean;
  /** Redraw a screen in place (a TTY), or print plain progress lines. */
  live: boolean;
  /** Evacuation latency in the simulator: base and random extra (ms). */
  latencyMs: number;
  jitterMs: number;
  /** NovaEvacuate's monitor interval (s). */
  monitorInterval: number;
  /** Simulator seed: instance ids, scheduling ties, jitter. Random by default, so no two runs share instance ids. */
  seed: number;
  /** Give up waiting for the recovery, and for the node's return, after this long (s). */
  timeout: number;
}

function count(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
    return n;
  };
}

/** The commander program; `--help` lists every option. */
export function demoCommand(): Command {
  return new Command("npm run demo --")
    .description("A live demo: a compute node of a real Pacemaker cluster dies, and its instances are recovered.")
    .addOption(new Option("--computes <n>", "compute nodes (pacemaker_remote nodes compute-1..N)").argParser(count(2, 8)).default(3))
    .addOption(new Option("--instances <n>", "instances on the compute nodes, spread evenly").argParser(count(1, 300)).default(30))
    .addOption(new Option("--spares <n>", "simulator-only hosts to evacuate to").argParser(count(0, 8)).default(2))
    .addOption(new Option("--keep", "leave the lab up at the end (and print how to tear it down)").default(false))
    .addOption(new Option("--teardown", "only tear down the lab an earlier --keep left up").default(false))
    .addOption(new Option("--no-color", "no ANSI colours"))
    .addOption(new Option("--plain", "plain progress lines even on a terminal").default(false))
    .addOption(new Option("--latency-ms <ms>", "base evacuation latency in the simulator").argParser(count(0, 60_000)).default(1000))
    .addOption(new Option("--jitter-ms <ms>", "random extra evacuation latency (0..n)").argParser(count(0, 60_000)).default(2000))
    .addOption(new Option("--monitor-interval <s>", "NovaEvacuate's monitor interval").argParser(count(1, 60)).default(5))
    .addOption(new Option("--seed <n>", "simulator seed (default: random)").argParser(count(0, 2 ** 31 - 1)))
    .addOption(new Option("--timeout <s>", "give up waiting for the recovery (and for the node's return) after").argParser(count(30, 3600)).default(300))
    .helpOption("-h, --help", "show this help")
    .showHelpAfterError();
}

/** Parses argv (without node and script) into options; `isTTY` and the environment decide the defaults of color and live. */
export function parseDemoOptions(argv: readonly string[], isTTY: boolean, env: NodeJS.ProcessEnv = process.env): DemoOptions {
  const opts = demoCommand().parse([...argv], { from: "user" }).opts<{
    computes: number; instances: number; spares: number; keep: boolean; teardown: boolean; color: boolean; plain: boolean;
    latencyMs: number; jitterMs: number; monitorInterval: number; timeout: number; seed?: number;
  }>();
  const live = isTTY && !opts.plain && env.TERM !== "dumb";
  return {
    computes: opts.computes,
    instances: opts.instances,
    spares: opts.spares,
    keep: opts.keep,
    teardown: opts.teardown,
    color: opts.color && isTTY && env.TERM !== "dumb" && env.NO_COLOR === undefined,
    live,
    latencyMs: opts.latencyMs,
    jitterMs: opts.jitterMs,
    monitorInterval: opts.monitorInterval,
    timeout: opts.timeout,
    seed: opts.seed ?? Math.floor(Math.random() * 2 ** 31),
  };
}
