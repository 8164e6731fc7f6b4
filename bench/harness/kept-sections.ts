// The part of docs/benchmarks.md that `npm run bench` does not measure (lab figures, e.g. bench/backends-lab.ts's), kept when it rewrites the report.

/** Where the kept part begins: everything from this line on survives `npm run bench`. */
export const KEPT_MARKER = "<!-- Kept by npm run bench: lab figures below, recorded from the commands they name. -->";

/** The new report, followed by the kept part of the previous one (from KEPT_MARKER to its end), if it had one. */
export function withKeptSections(report: string, previous: string | undefined): string {
  const at = previous?.indexOf(KEPT_MARKER) ?? -1;
  if (previous === undefined || at < 0) return report;
  return `${report.trimEnd()}\n\n${previous.slice(at)}`;
}
