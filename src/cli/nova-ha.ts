// The nova-ha operator CLI: `status` shows attrd flags and Nova markers side by side.
import { Command, CommanderError } from "commander";
import { FENCE } from "../kit/exit-codes.js";
import { createLogger } from "../kit/logger.js";
import { runProcess } from "../kit/runtime.js";
import { attrdUpdater } from "../pacemaker/attrd.js";
import { parseNovaMarker } from "../recovery/nova-marker.js";
import { openStackFromParams } from "../agents/openstack-session.js";

/** Package version, set at build time. */
const VERSION = "0.1.0";

/** Renders the status table of every nova-compute service that has a flag or a marker. */
async function status(options: { cloud?: string; all?: boolean }): Promise<string> {
  const log = createLogger({ name: "nova-ha" });
  const flags = await attrdUpdater().queryAll().catch(() => undefined);
  const openstack = await openStackFromParams({ cloud: options.cloud, endpoint_type: "public" }, { env: process.env, log });
  const services = await openstack.compute.listServices();
  const rows = services
    .map((service) => {
      const marker = parseNovaMarker(service.disabledReason);
      const phase = marker.kind === "ours" ? marker.phase : marker.kind === "foreign" ? `disabled: ${marker.reason}` : "-";
      return [service.host, service.state, service.status, service.forcedDown ? "yes" : "no", flags?.get(service.host) ?? (flags ? "-" : "?"), phase];
    })
    .filter((row) => options.all || row[4] !== "-" || row[5] !== "-");
  const header = ["HOST", "STATE", "STATUS", "FORCED_DOWN", "ATTRD_EVACUATE", "RECOVERY"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => String(row[column]).length)));
  const render = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd();
  return [render(header), ...rows.map(render), ...(flags ? [] : ["(attrd not reachable: flags unknown)"])].join("\n") + "\n";
}

/** Runs the CLI and exits. */
export function runCli(argv: string[]): Promise<never> {
  return runProcess(async () => {
    let output = "";
    const program = new Command("nova-ha")
      .exitOverride()
      .configureOutput({ writeOut: (text) => { output += text; }, writeErr: (text) => { output += text; } })
      .version(VERSION)
      .description("Instance HA for OpenStack on Pacemaker: operator commands");
    program
      .command("status")
      .description("show flagged hosts: attrd evacuate values and Nova recovery markers")
      .option("--cloud <name>", "clouds.yaml entry (else OS_* variables)")
      .option("--all", "list every nova-compute service")
      .action(async (options: { cloud?: string; all?: boolean }) => { output += await status(options); });
    try {
      await program.parseAsync(argv, { from: "user" });
      return { exitCode: 0, stdout: output };
    } catch (error) {
      if (error instanceof CommanderError) return { exitCode: error.exitCode, stdout: error.exitCode === 0 ? output : "", stderr: error.exitCode === 0 ? "" : output };
      throw error;
    }
  }, FENCE.FAILURE);
}
