// Renders `nova-ha status`: an aligned table for people, or JSON for scripts.
import { markerFields, reasonReading } from "../recovery/host/host-recovery-state.js";
import type { HostStatus } from "./host-status.js";

/** What a report shows, besides the hosts. */
export interface ReportContext {
  /** Why attrd could not be read; undefined when it was. */
  readonly attrdError: string | undefined;
  /** How many nova-compute services Nova listed. */
  readonly serviceCount: number;
}

/** The table's columns: title and cell, declared once. */
const COLUMNS: ReadonlyArray<{ readonly title: string; readonly cell: (row: HostStatus) => string }> = [
  { title: "HOST", cell: (row) => row.host },
  { title: "STATE", cell: (row) => row.service?.state ?? "-" },
  { title: "STATUS", cell: (row) => row.service?.status ?? "-" },
  { title: "FORCED_DOWN", cell: (row) => (row.service ? (row.service.forcedDown ? "yes" : "no") : "-") },
  { title: "ATTRD", cell: attrdCell },
  { title: "PHASE", cell: (row) => row.phase },
  { title: "DETAIL", cell: (row) => row.detail },
];

/** The attrd value ("-" none, "?" unreadable), with the cluster node name when it is not the Nova host name. */
function attrdCell(row: HostStatus): string {
  if (row.attrd === undefined) return "?";
  const value = row.attrd === "" ? "-" : row.attrd;
  return row.attrdHost !== undefined && row.attrdHost !== row.host ? `${value} (${row.attrdHost})` : value;
}

/** The human table; one line instead when no host is listed. */
export function renderTable(rows: readonly HostStatus[], context: ReportContext): string {
  if (rows.length === 0) {
    const attrd = context.attrdError === undefined ? ", none flagged in attrd" : "; attrd unreadable";
    return `no host needs attention: ${context.serviceCount} nova-compute services up and enabled${attrd} (--all lists them)\n`;
  }
  const cells = rows.map((row) => COLUMNS.map((column) => column.cell(row)));
  const widths = COLUMNS.map((column, index) => Math.max(column.title.length, ...cells.map((line) => (line[index] ?? "").length)));
  const render = (line: readonly string[]) => line.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join("  ").trimEnd();
  return `${[render(COLUMNS.map((column) => column.title)), ...cells.map(render)].join("\n")}\n`;
}

/** The JSON document: attrd's state and one object per host, with the Nova marker's fields parsed. */
export function renderJson(rows: readonly HostStatus[], context: ReportContext): string {
  const hosts = rows.map((row) => {
    const reason = row.service?.disabledReason;
    const reading = reasonReading(reason);
    return {
      host: row.host,
      phase: row.phase,
      detail: row.detail,
      attrd: row.attrd === undefined ? null : { node: row.attrdHost ?? null, value: row.attrd },
      nova: row.service
        ? {
          state: row.service.state,
          status: row.service.status,
          forcedDown: row.service.forcedDown,
          disabledReason: row.service.disabledReason,
          marker: reading === "none" || reading === "foreign" ? null : { phase: reading, ...markerFields(reason) },
        }
        : null,
    };
  });
  const attrd = context.attrdError === undefined ? { readable: true } : { readable: false, error: context.attrdError };
  return `${JSON.stringify({ attrd, services: context.serviceCount, hosts }, null, 2)}\n`;
}
