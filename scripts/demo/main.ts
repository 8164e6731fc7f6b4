// `npm run demo`: starts the worker in its own session and relays signals. Ctrl-C reaches only this process, which
// passes the first one on and absorbs the rest, so nothing the teardown runs is ever hit by a second Ctrl-C.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";

/** The worker: the same Node.js with the same loader flags (tsx), its own session. */
const worker = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL("./worker.ts", import.meta.url)), ...process.argv.slice(2)], {
  detached: true,
  stdio: "inherit",
});

let relayed = false;
/** Passes the first interrupting signal on; later ones are absorbed (npm and the terminal may both send one). */
function interrupt(signal: NodeJS.Signals): void {
  if (relayed) return;
  relayed = true;
  worker.kill(signal === "SIGINT" ? "SIGINT" : "SIGTERM");
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const) process.on(signal, () => interrupt(signal));
process.on("SIGWINCH", () => worker.kill("SIGWINCH"));
worker.on("exit", (code, signal) => {
  process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 1) : 1));
});
worker.on("error", (error) => {
  process.stderr.write(`demo: could not start the worker: ${error.message}\n`);
  process.exit(1);
});
