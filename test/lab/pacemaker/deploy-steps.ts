// The deployment commands of docs/deploy.md, extracted and run as written: the lab deploys the way operators do.
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO_ROOT } from "../lab-bundles.js";
import { type CommandResult, run } from "../lab-process.js";

/** The document the steps come from. */
export const DEPLOY_DOC = join(REPO_ROOT, "docs/deploy.md");

/** One ```bash block of the document whose first line is `# deploy:<name>`. */
export interface DeployStep {
  readonly name: string;
  /** The block's text, tag line included. */
  readonly script: string;
}

/** The tagged blocks of a Markdown text, in document order; a name used twice is an error. */
export function parseDeploySteps(markdown: string): DeployStep[] {
  const steps: DeployStep[] = [];
  for (const match of markdown.matchAll(/^```bash\n([\s\S]*?)^```$/gm)) {
    const body = match[1] ?? "";
    const tag = /^# deploy:([a-z0-9-]+)\s*$/m.exec(body.split("\n")[0] ?? "");
    if (!tag?.[1]) continue;
    if (steps.some((step) => step.name === tag[1])) throw new Error(`${DEPLOY_DOC}: step ${tag[1]} appears twice`);
    steps.push({ name: tag[1], script: body });
  }
  return steps;
}

/** The steps of docs/deploy.md. */
export async function readDeploySteps(): Promise<DeployStep[]> {
  return parseDeploySteps(await readFile(DEPLOY_DOC, "utf8"));
}

/** What running one step gave. */
export interface StepResult extends CommandResult {
  readonly step: string;
}

/**
 * Runs one step as an operator would in a root shell where the site file was sourced: bash with -euo pipefail, the
 * repository root as working directory, a clean environment (nothing from the test process leaks in).
 */
export async function runDeployStep(step: DeployStep, siteFile: string, workDir: string): Promise<StepResult> {
  const script = join(workDir, `deploy-${step.name}.sh`);
  await writeFile(script, `set -euo pipefail\n. ${JSON.stringify(siteFile)}\n${step.script}`, { mode: 0o700 });
  try {
    const result = await run("/bin/bash", [script], { cleanEnv: true, env: { HOME: "/root", LANG: "C.UTF-8" }, cwd: REPO_ROOT, timeoutMs: 300_000 });
    return { ...result, step: step.name };
  } finally {
    await rm(script, { force: true });
  }
}
