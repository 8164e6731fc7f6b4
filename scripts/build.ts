// Bundles each bin/ entry into one self-contained executable under ocf/, fence/ or bin/.
import { build } from "esbuild";
import { chmod, mkdir } from "node:fs/promises";
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

// Bundled CommonJS dependencies call require(); ESM output needs one.
const banner = [
  "#!/usr/bin/env node",
  'import { createRequire as __nhaCreateRequire } from "node:module";',
  "const require = __nhaCreateRequire(import.meta.url);",
].join("\n");

for (const [entry, out] of Object.entries(bundles)) {
  const outfile = resolve(root, out);
  await mkdir(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [resolve(root, entry)],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: false,
    legalComments: "none",
    banner: { js: banner },
    logLevel: "warning",
  });
  await chmod(outfile, 0o755);
}
process.stderr.write(`built ${Object.keys(bundles).length} bundles\n`);
