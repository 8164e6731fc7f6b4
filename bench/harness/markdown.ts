// Markdown building blocks for docs/benchmarks.md.

/** A GitHub-flavoured table; cells are escaped for pipes. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (text: string): string => text.replace(/\|/g, "\\|");
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** One section of the report. */
export interface Section {
  title: string;
  /** Markdown paragraphs and tables, in order. */
  body: string[];
}

/** Renders sections under "## " headings. */
export function renderSections(sections: readonly Section[]): string {
  return sections.map((s) => [`## ${s.title}`, "", ...s.body.flatMap((b) => [b, ""])].join("\n")).join("\n");
}
