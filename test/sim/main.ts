// CLI: run the simulator until SIGTERM/SIGINT; prints one JSON line with its URLs on stdout once listening.
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import type { CloudSeed } from "./cloud-seed.js";
import { DEFAULT_CLOUD, type SimOptions, startSimulator } from "./index.js";

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a non-negative integer");
  return n;
}

function num(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("must be a non-negative number");
  return n;
}

function list(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(",").map((v) => v.trim()).filter(Boolean)];
}

function hosts(value: string): number | string[] {
  return /^\d+$/.test(value) ? Number(value) : list(value);
}

/** One command-line flag and the CloudSeed or SimOptions field it feeds. */
interface FlagSpec {
  flags: string;
  help: string;
  parse?: (value: string, previous: string[]) => unknown;
  default?: unknown;
  seed?: keyof CloudSeed;
  option?: keyof SimOptions;
}

/** The command line, declared once. */
const FLAGS: FlagSpec[] = [
  { flags: "--address <addr>", help: "primary listen address", default: "127.0.0.1", option: "host" },
  { flags: "--listen <addr>", help: "extra listen address (repeatable, comma-separated)", parse: list, option: "listen" },
  { flags: "--port <n>", help: "TCP port (0: any)", parse: int, default: 0, option: "port" },
  { flags: "--seed <n>", help: "PRNG seed (random when absent)", parse: int, option: "seed" },
  { flags: "--config <file>", help: "JSON file {options: SimOptions, cloud: CloudSeed} (users, application credentials, ...)" },
  { flags: "--hosts <n|names>", help: "compute hosts: a count or comma-separated names", parse: hosts, seed: "hosts" },
  { flags: "--servers-per-host <n>", help: "servers per host", parse: int, seed: "serversPerHost" },
  { flags: "--shutoff-every <n>", help: "every n-th server is SHUTOFF", parse: int, seed: "shutoffEvery" },
  { flags: "--paused-every <n>", help: "every n-th server is PAUSED", parse: int, seed: "pausedEvery" },
  { flags: "--error-every <n>", help: "every n-th server is ERROR", parse: int, seed: "errorEvery" },
  { flags: "--bfv-every <n>", help: "every n-th server boots from volume", parse: int, seed: "bootFromVolumeEvery" },
  { flags: "--external-heartbeat <hosts>", help: "hosts heartbeated only via POST /_sim/heartbeat/{host}", parse: list, seed: "externalHeartbeat" },
  { flags: "--tagged-flavor", help: "add the evacuable flavor and use it for every 2nd server", seed: "taggedFlavor" },
  { flags: "--tagged-image", help: "add the evacuable image and use it for every 3rd server", seed: "taggedImage" },
  { flags: "--extra-images <n>", help: "extra untagged images", parse: int, seed: "extraImages" },
  { flags: "--extra-tagged-images <n>", help: "extra images tagged evacuable", parse: int, seed: "extraTaggedImages" },
  { flags: "--shared-storage", help: "instance files are on shared storage", seed: "sharedStorage" },
  { flags: "--host-capacity <n>", help: "max servers per host", parse: int, seed: "hostCapacity" },
  { flags: "--latency-ms <n>", help: "evacuation latency", parse: num, option: "evacuateLatencyMs" },
  { flags: "--jitter-ms <n>", help: "extra random evacuation latency (0..n)", parse: num, option: "evacuateJitterMs" },
  { flags: "--max-microversion <v>", help: "highest Nova microversion", option: "maxMicroversion" },
  { flags: "--token-ttl <s>", help: "token lifetime in seconds", parse: int, option: "tokenTtlSeconds" },
  { flags: "--max-limit <n>", help: "Nova [api] max_limit", parse: int, option: "maxLimit" },
  { flags: "--service-down-time <s>", help: "Nova service_down_time", parse: num, option: "serviceDownTimeSeconds" },
  { flags: "--report-interval <s>", help: "Nova report_interval", parse: num, option: "reportIntervalSeconds" },
  { flags: "--rpc-timeout-ms <n>", help: "delay of disabling a dead compute still seen up", parse: int, option: "rpcTimeoutMs" },
  { flags: "--pre-zed-task-state-check", help: "answer 409 to evacuating a server with a task_state (Nova before Zed)", option: "evacuateChecksTaskState" },
];

function toOption(spec: FlagSpec): Option {
  const option = new Option(spec.flags, spec.help);
  if (spec.parse) option.argParser(spec.parse as (value: string, previous: unknown) => unknown);
  if (spec.default !== undefined) option.default(spec.default);
  return option;
}

/** The commander program for FLAGS. */
export function buildCommand(): Command {
  const command = new Command("nova-sim").description("Keystone v3 + Nova + Glance simulator");
  for (const spec of FLAGS) command.addOption(toOption(spec));
  return command;
}

/** Merges the config file and the parsed flags (flags win) into simulator options. */
export function optionsFrom(flags: Record<string, unknown>): SimOptions {
  const file = typeof flags.config === "string" ? (JSON.parse(readFileSync(flags.config, "utf8")) as { options?: SimOptions; cloud?: CloudSeed }) : {};
  const options: Record<string, unknown> = { ...file.options };
  const cloud: Record<string, unknown> = { ...DEFAULT_CLOUD, ...file.cloud };
  for (const spec of FLAGS) {
    const value = flags[toOption(spec).attributeName()];
    if (value === undefined) continue;
    if (spec.option) options[spec.option] = value;
    if (spec.seed) cloud[spec.seed] = value;
  }
  return { ...options, cloud: cloud as unknown as CloudSeed };
}

async function main(): Promise<void> {
  const flags = buildCommand().parse(process.argv).opts();
  const options = optionsFrom(flags);
  const sim = await startSimulator(options);
  const urls = [options.host ?? "127.0.0.1", ...(options.listen ?? [])].map((a) => `http://${a.includes(":") ? `[${a}]` : a}:${sim.port}`);
  process.stdout.write(`${JSON.stringify({ authUrl: sim.authUrl, baseUrl: sim.baseUrl, port: sim.port, urls, seed: sim.cloud.seedValue })}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void sim.stop();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`nova-sim: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
