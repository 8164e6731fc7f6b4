// The live screen: hosts, the failed host's instances and the timeline, laid out to fit the terminal (pure).
import { type Paint, type Style, cutVisible, padVisible } from "./ansi.js";
import type { HostRow } from "./host-view.js";
import { type InstancePhase, type InstanceRow, phaseCounts } from "./instance-phase.js";

/** Everything one frame shows. */
export interface ScreenModel {
  readonly headline: string;
  /** Seconds since the power-off, when it happened. */
  readonly elapsed?: number;
  readonly hosts: readonly HostRow[];
  readonly failedHost: string;
  readonly rows: readonly InstanceRow[];
  /** Timeline so far, offsets in seconds from the power-off. */
  readonly events: readonly { readonly offset: number; readonly label: string }[];
  /** Nova API requests since the power-off. */
  readonly requests: number;
  readonly hint: string;
}

/** Terminal size. */
export interface ScreenSize {
  readonly columns: number;
  readonly rows: number;
}

/** One column of the host table: a title, a width (0: the rest of the line) and a painted cell. */
interface HostColumn {
  readonly title: string;
  readonly width: number;
  readonly cell: (row: HostRow) => [string, Style?];
}

/** The host table, declared once. */
const HOST_COLUMNS: readonly HostColumn[] = [
  { title: "host", width: 9, cell: (r) => [r.name, "bold"] },
  { title: "pwr", width: 3, cell: (r) => (r.power === undefined ? ["sim", "gray"] : r.power ? ["on", "green"] : ["OFF", "red"]) },
  { title: "pacemaker", width: 9, cell: (r) => [r.pacemaker, PACEMAKER_STYLE[r.pacemaker]] },
  { title: "NovaCompute", width: 11, cell: (r) => [r.novaCompute, r.novaCompute === "started" ? "green" : r.novaCompute === "-" ? "gray" : "yellow"] },
  { title: "nova", width: 4, cell: (r) => [r.state, r.state === "up" ? "green" : "red"] },
  { title: "forced", width: 6, cell: (r) => (r.forcedDown ? ["forced", "red"] : ["·", "gray"]) },
  { title: "service", width: 8, cell: (r) => (r.enabled ? ["enabled", "green"] : ["disabled", "yellow"]) },
  { title: "marker", width: 10, cell: (r) => [r.reason || "·", r.reason ? "magenta" : "gray"] },
  { title: "VMs", width: 3, cell: (r) => [String(r.instances).padStart(3)] },
  { title: "evacuate", width: 0, cell: (r) => [r.evacuate || "·", r.evacuate === "" || r.evacuate === "no" ? "gray" : "yellow"] },
];

/** An attrd value too long for its cell: "<node>@<epoch>" is NovaEvacuate's claim on the host. */
function shortEvacuate(value: string, width: number): string {
  return value.length > width && value.includes("@") ? "claimed" : value;
}

const PACEMAKER_STYLE: Record<HostRow["pacemaker"], Style> = {
  online: "green", offline: "red", unclean: "red", fencing: "yellow", fenced: "red", unfencing: "yellow", "-": "gray",
};

/** How each instance phase looks. */
const PHASE_LOOK: Record<InstancePhase, { symbol: string; style: Style }> = {
  waiting: { symbol: "○", style: "gray" },
  evacuating: { symbol: "◐", style: "yellow" },
  recovered: { symbol: "●", style: "green" },
  failed: { symbol: "✖", style: "red" },
};

/** Nova's rebuild steps in a few letters. */
const TASK_WORDS: Record<string, string> = {
  rebuilding: "scheduling",
  rebuild_block_device_mapping: "disks",
  rebuild_spawning: "spawning",
};

function hostTable(hosts: readonly HostRow[], columns: number, paint: Paint): string[] {
  const line = (cells: string[]): string => cells.join(" ");
  const fixed = HOST_COLUMNS.reduce((sum, c) => sum + (c.width || 0) + 1, 0);
  const rest = Math.max(7, columns - fixed - 1);
  const width = (c: HostColumn): number => c.width || rest;
  const header = line(HOST_COLUMNS.map((c) => paint("dim", c.title.padEnd(width(c)))));
  const body = hosts.map((row) =>
    line(HOST_COLUMNS.map((c) => {
      const [full, style] = c.cell(row);
      const text = c.title === "evacuate" ? shortEvacuate(full, width(c)) : full;
      const cut = text.length > width(c) ? `${text.slice(0, width(c) - 1)}…` : text;
      return padVisible(style ? paint(style, cut) : cut, width(c));
    })),
  );
  return [header, ...body];
}

/** One instance cell: symbol, name, status or rebuild step, where it is or is going. */
function instanceCell(row: InstanceRow, failedHost: string, paint: Paint): string {
  const look = PHASE_LOOK[row.phase];
  const what = row.phase === "evacuating" && row.task ? (TASK_WORDS[row.task] ?? row.task) : row.status;
  const where = row.phase === "evacuating" ? (row.destination ? `→ ${row.destination}` : "") : row.host ? `on ${row.host}` : "";
  const retry = row.attempts > 1 ? paint("yellow", ` ×${row.attempts}`) : "";
  const placeStyle: Style | undefined = row.phase === "recovered" ? "green" : row.host === failedHost ? "gray" : undefined;
  return `${paint(look.style, look.symbol)} ${row.name} ${paint(row.status === "SHUTOFF" ? "blue" : look.style, what.padEnd(10))} ${placeStyle ? paint(placeStyle, where) : where}${retry}`;
}

/** Instance cells laid out in columns (column-major), or undefined when they need more than `budget` lines. */
function instanceCells(model: ScreenModel, columns: number, budget: number, paint: Paint): string[] | undefined {
  const cellWidth = 2 + Math.max(0, ...model.rows.map((r) => r.name.length)) + 1 + 10 + 1 + 13 + 3;
  const perLine = Math.max(1, Math.floor(columns / cellWidth));
  const lines = Math.ceil(model.rows.length / perLine);
  if (lines > budget) return undefined;
  return Array.from({ length: lines }, (_, i) => {
    const cells = Array.from({ length: perLine }, (_, col) => model.rows[col * lines + i]).filter((r): r is InstanceRow => r !== undefined);
    return cells.map((r) => padVisible(instanceCell(r, model.failedHost, paint), cellWidth)).join("").trimEnd();
  });
}

/** The instance section in at most `budget` lines: a tally, then cells, or one symbol per instance when cells do not fit. */
function instanceSection(model: ScreenModel, columns: number, budget: number, paint: Paint): string[] {
  const counts = phaseCounts(model.rows);
  const stopped = model.rows.filter((r) => r.stopped).length;
  const tally = (Object.keys(PHASE_LOOK) as InstancePhase[])
    .map((phase) => paint(PHASE_LOOK[phase].style, `${PHASE_LOOK[phase].symbol} ${counts[phase]} ${phase}`))
    .join("  ");
  const header = `${paint("bold", `${model.failedHost}:`)} ${tally}   (${model.rows.length} instances, ${stopped} SHUTOFF)`;
  const cells = instanceCells(model, columns, budget - 1, paint);
  if (cells) return [header, ...cells];
  const symbols = model.rows.map((r) => paint(PHASE_LOOK[r.phase].style, PHASE_LOOK[r.phase].symbol));
  const width = Math.max(1, columns - 2);
  const grid: string[] = [];
  for (let i = 0; i < symbols.length; i += width) grid.push(`  ${symbols.slice(i, i + width).join("")}`);
  return [header, ...grid.slice(0, Math.max(0, budget - 1))];
}

/** Formats seconds as "+12.34 s". */
export function offsetText(seconds: number): string {
  return `${seconds >= 0 ? "+" : "-"}${Math.abs(seconds).toFixed(2).padStart(6)} s`;
}

/** The frame's lines, each cut to the width, as many as fit the height: the timeline keeps its newest events. */
export function renderScreen(model: ScreenModel, size: ScreenSize, paint: Paint): string[] {
  const columns = Math.max(40, size.columns);
  const clock = model.elapsed === undefined ? "" : `${paint("bold", offsetText(model.elapsed))}  `;
  const top = [`${paint("cyan", "nova-ha demo")}  ${clock}${model.headline}`, "", ...hostTable(model.hosts, columns, paint), ""];
  const bottom = ["", paint("dim", `Nova API requests since the power-off: ${model.requests}   ${model.hint}`)];
  const room = Math.max(6, size.rows - 1 - top.length - bottom.length);
  const instancesWanted = 1 + (instanceCells(model, columns, Number.MAX_SAFE_INTEGER, paint)?.length ?? 0);
  const eventsWanted = model.events.length > 0 ? model.events.length + 2 : 0;
  const eventsBudget = Math.min(eventsWanted, Math.max(Math.min(eventsWanted, 5), room - instancesWanted));
  const instances = instanceSection(model, columns, room - eventsBudget, paint);
  const eventLines = model.events.map((e) => `  ${paint("dim", offsetText(e.offset))}  ${e.label}`);
  const timeline = eventsBudget > 2 ? ["", paint("bold", "timeline"), ...eventLines.slice(eventLines.length - (eventsBudget - 2))] : [];
  return [...top, ...instances, ...timeline, ...bottom].map((line) => cutVisible(line, columns));
}
