// Bundles each bin/ entry into one self-contained executable under ocf/, fence/ or bin/.
import { build } from "esbuild";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Entry point → output path, relative to the project root. */
export const bundles: Record<string, string> = {
  "bin/nova-evacuate.ts": "ocf/NovaEvacuate",
  "bin/nova-compute.ts": "ocf/NovaCompute",
  "bin/fence-compute.ts": "fence/fence_compute",
  "bin/fence-evacuate.ts": "fence/fence_evacuate",
  "bin/nova-ha.ts": "bin/nova-ha",
};

/**
 * The agents are CommonJS: Pacemaker starts one for every operation, and Node loads a CommonJS file faster than an
 * ES module (no module graph to link; an extensionless ES module outside a "type": "module" package, as installed
 * under /usr/sbin, is even parsed twice: first as CommonJS, which fails). Their directories say so with a
 * package.json, over the project's "type": "module". nova-ha, an operator's command next to bin/'s ES sources,
 * stays an ES module.
 */
const COMMONJS_DIRS = new Set(["ocf", "fence"]);

// Bundled CommonJS dependencies call require(); ESM output needs one.
const esmBanner = [
  "#!/usr/bin/env node",
  'import { createRequire as __nhaCreateRequire } from "node:module";',
  "const require = __nhaCreateRequire(import.meta.url);",
].join("\n");

for (const dir of COMMONJS_DIRS) {
  await mkdir(resolve(root, dir), { recursive: true });
  await writeFile(resolve(root, dir, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
}

for (const [entry, out] of Object.entries(bundles)) {
  const outfile = resolve(root, out);
  const commonjs = COMMONJS_DIRS.has(dirname(out));
  await mkdir(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [resolve(root, entry)],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: commonjs ? "cjs" : "esm",
    minify: false,
    legalComments: "none",
    banner: { js: commonjs ? "#!/usr/bin/env node" : esmBanner },
    logLevel: "warning",
  });
  await chmod(outfile, 0o755);
}
process.stderr.write(`built ${Object.keys(bundles).length} bundles\n`);
