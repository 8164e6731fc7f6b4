// What the lab runs that is built from this tree: the agents (npm run build, when stale) and two single-file tools.
import { chmod, mkdir, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { runOk } from "./lab-process.js";

/** The repository root (this file is test/lab/lab-bundles.ts). */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

/** The bundles `npm run build` writes. */
const AGENT_BUNDLES = ["ocf/NovaEvacuate", "ocf/NovaCompute", "fence/fence_compute", "fence/fence_evacuate", "bin/nova-ha"];

/** The newest modification time under a directory (files ending in .ts only). */
async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** Runs the build (`npm run build`'s script) unless every agent bundle is newer than every source under src/ and bin/. Returns whether it built. */
export async function ensureAgentsBuilt(): Promise<boolean> {
  const sources = Math.max(await newestSource(join(REPO_ROOT, "src")), await newestSource(join(REPO_ROOT, "bin")));
  const bundles = await Promise.all(AGENT_BUNDLES.map((path) => stat(join(REPO_ROOT, path)).then((s) => s.mtimeMs, () => 0)));
  if (Math.min(...bundles) > sources) return false;
  // `npm run build` without npm: Debian's nodejs package (the Pacemaker 3.0 chroot) has none.
  await runOk(process.execPath, [join(REPO_ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/build.ts"], { cwd: REPO_ROOT, env: { PATH: process.env.PATH }, timeoutMs: 300_000 });
  return true;
}

/** The lab's own tools as single files: the simulator, and the nova-compute stand-in NovaCompute starts. */
export interface LabTools {
  readonly simulator: string;
  readonly novaCompute: string;
}

/** Bundles the simulator and the lab nova-compute with esbuild into `outDir` (no tsx needed to run them). */
export async function bundleLabTools(outDir: string): Promise<LabTools> {
  await mkdir(outDir, { recursive: true, mode: 0o755 });
  await chmod(outDir, 0o755); // readable from the compute nodes' namespaces and by any user
  const tools: LabTools = { simulator: join(outDir, "nova-sim.mjs"), novaCompute: join(outDir, "lab-nova-compute.mjs") };
  const entries: [string, string][] = [
    [join(REPO_ROOT, "test/sim/main.ts"), tools.simulator],
    [join(REPO_ROOT, "test/lab/pacemaker/lab-nova-compute.ts"), tools.novaCompute],
  ];
  for (const [entry, outfile] of entries) {
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "esm",
      logLevel: "warning",
      // Bundled CommonJS dependencies (commander) call require(); ESM output needs one.
      banner: { js: 'import { createRequire as __labRequire } from "node:module"; const require = __labRequire(import.meta.url);' },
    });
    await chmod(outfile, 0o644);
  }
  return tools;
}
