// docs/development.md's layout table names every folder of the tree (test/unit/ mirrors src/, so its folders are not listed).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");

/** The table's rows: path → what. */
function layoutRows(): Map<string, string> {
  const doc = readFileSync(resolve(ROOT, "docs/development.md"), "utf8");
  const rows = [...doc.matchAll(/^\| `([^`]+)` \| (.*) \|$/gm)];
  return new Map(rows.map((row) => [row[1] as string, row[2] as string]));
}

/** Every folder holding a tracked file, with its parents, except the ones test/unit/ or the build owns. */
function trackedFolders(): string[] {
  const files = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
  const folders = new Set<string>();
  for (const file of files) {
    for (let dir = dirname(file); dir !== "."; dir = dirname(dir)) folders.add(dir);
  }
  return [...folders].filter((dir) => !dir.startsWith("test/unit/") && !dir.startsWith(".")).sort();
}

describe("docs/development.md's layout table", () => {
  it("names every folder of the tree, in its own row or in its parent's", () => {
    const rows = layoutRows();
    const missing = trackedFolders().filter((dir) => {
      if ([...rows.keys()].some((path) => path.startsWith(`${dir}/`))) return false; // its own row, or a row of a folder in it
      const parent = rows.get(`${dirname(dir)}/`);
      return parent === undefined || !parent.includes(`\`${basename(dir)}/\``);
    });
    expect(missing).toEqual([]);
  });

  it("names no folder that does not exist", () => {
    const folders = new Set(trackedFolders());
    const gone = [...layoutRows().keys()].filter((path) => path.endsWith("/") && !folders.has(path.slice(0, -1)));
    expect(gone).toEqual([]);
  });
});
