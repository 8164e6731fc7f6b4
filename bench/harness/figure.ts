// What each figure hands to the report: its section, its verdicts on the goals, and raw data for --json.
import type { FigureId } from "./context.js";
import type { Section } from "./markdown.js";

/** One goal of the issue, judged on this run's numbers. */
export interface GoalCheck {
  goal: string;
  met: boolean;
  detail: string;
}

/** A figure's output. */
export interface FigureResult {
  id: FigureId;
  section: Section;
  goals: GoalCheck[];
  /** Agent misbehaviour seen while measuring (exit codes, crashes, timeouts), with evidence. */
  anomalies: string[];
  raw: unknown;
}
