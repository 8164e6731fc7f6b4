// Rewrites the golden metadata files in test/golden/ from the agent declarations (after an intended change).
import { writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { fenceCompute } from "../src/agents/fence-compute.js";
import { fenceEvacuate } from "../src/agents/fence-evacuate.js";
import { novaCompute } from "../src/agents/nova-compute.js";
import { novaEvacuate } from "../src/agents/nova-evacuate.js";
import { fenceMetadata } from "../src/kit/fence/metadata.js";
import { ocfMetadata } from "../src/kit/ocf/metadata.js";

const golden = resolve(dirname(fileURLToPath(import.meta.url)), "../test/golden");
const documents: Record<string, string> = {
  "fence_compute.xml": fenceMetadata(fenceCompute),
  "fence_evacuate.xml": fenceMetadata(fenceEvacuate),
  "NovaEvacuate.xml": ocfMetadata(novaEvacuate),
  "NovaCompute.xml": ocfMetadata(novaCompute),
};
for (const [name, xml] of Object.entries(documents)) await writeFile(`${golden}/${name}`, xml);
process.stderr.write(`wrote ${Object.keys(documents).join(", ")} in test/golden/\n`);
