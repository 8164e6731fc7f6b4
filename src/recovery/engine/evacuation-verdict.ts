// Whether a host's evacuation counts as a success for a one-shot caller (fence_evacuate), and why not.
import type { HostReport } from "./recovery-report.js";

/** How many failed instances a verdict names before it abbreviates. */
const NAMED_FAILURES = 3;

/**
 * Undefined when the host counts as done, else a one-line reason. Failed instances always fail the host;
 * instances never requested (pending) do too; with `waitForCompletion`, so do instances still being rebuilt.
 */
export function evacuationFailure(report: HostReport, waitForCompletion: boolean): string | undefined {
  const total = report.instances.length;
  const problems: string[] = [];
  if (report.failed > 0) {
    const failed = report.instances.filter((instance) => instance.outcome === "failed");
    const named = failed.slice(0, NAMED_FAILURES).map((instance) => `${instance.name || instance.id} (${instance.id}): ${instance.reason ?? "failed"}`);
    const more = failed.length > NAMED_FAILURES ? `; and ${failed.length - NAMED_FAILURES} more` : "";
    problems.push(`${report.failed} of ${total} instances failed: ${named.join("; ")}${more}`);
  }
  if (report.pending > 0) problems.push(`${report.pending} of ${total} instances not evacuated yet`);
  if (waitForCompletion && report.inProgress > 0) problems.push(`${report.inProgress} of ${total} instances still being rebuilt`);
  return problems.length > 0 ? problems.join("; ") : undefined;
}

/** The one-line summary of a host's evacuation, for the log. */
export function evacuationSummary(report: HostReport): string {
  return `${report.instances.length} instances: ${report.recovered} recovered, ${report.inProgress} in progress, ${report.pending} pending, ${report.failed} failed, ${report.skipped} skipped`;
}
