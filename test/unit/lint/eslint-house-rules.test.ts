// The house lint rules (scripts/eslint-house-rules.js) on small throwaway projects: cycles, type-only ones included.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ESLint } from "eslint";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import tseslint from "typescript-eslint";
// @ts-expect-error -- a plain JavaScript module without type declarations
import house from "../../../scripts/eslint-house-rules.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "house-lint-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Lints the given files (name → text) with the house rules; returns "file:line rule" per problem. */
async function lint(files: Record<string, string>): Promise<string[]> {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [{
      files: ["**/*.ts"],
      languageOptions: { parser: tseslint.parser },
      plugins: { house },
      rules: { "house/no-import-cycle": "error", "house/export-purpose-comment": "error" },
    }],
  });
  const results = await eslint.lintFiles(Object.keys(files));
  return results.flatMap((result) => result.messages.map((m) => `${result.filePath.slice(dir.length + 1)}:${m.line} ${m.ruleId}`)).sort();
}

describe("house/no-import-cycle", () => {
  it("reports two files that import each other's types (import-x/no-cycle lets this pass)", async () => {
    expect(await lint({
      "a.ts": '// A.\nimport type { B } from "./b.js";\n// A.\nexport type A = { b?: B };\n',
      "b.ts": '// B.\nimport type { A } from "./a.js";\n// B.\nexport type B = { a?: A };\n',
    })).toEqual(["a.ts:2 house/no-import-cycle", "b.ts:2 house/no-import-cycle"]);
  });

  it("reports a longer circle of value imports and re-exports on each file in it", async () => {
    expect(await lint({
      "a.ts": '// A.\nexport { b } from "./b.js";\n',
      "b.ts": '// B.\nimport { c } from "./c.js";\n// B.\nexport const b = c;\n',
      "c.ts": '// C.\nimport * as a from "./a.js";\n// C.\nexport const c = a;\n',
    })).toEqual(["a.ts:2 house/no-import-cycle", "b.ts:2 house/no-import-cycle", "c.ts:2 house/no-import-cycle"]);
  });

  it("accepts a shared leaf file, and packages", async () => {
    expect(await lint({
      "leaf.ts": "// The shared type.\nexport type Shared = number;\n",
      "a.ts": '// A.\nimport type { Shared } from "./leaf.js";\nimport { join } from "node:path";\n// A.\nexport const a: Shared = join("").length;\n',
      "b.ts": '// B.\nimport type { Shared } from "./leaf.js";\nimport { a } from "./a.js";\n// B.\nexport const b: Shared = a;\n',
    })).toEqual([]);
  });
});

describe("house/export-purpose-comment", () => {
  it("wants a comment right above every exported declaration, not above re-exports", async () => {
    expect(await lint({
      "a.ts": '// Said.\nexport const said = 1;\nexport const unsaid = 2;\n/** Said. */\n\nexport function far(): void {}\nexport { said as again };\n',
    })).toEqual(["a.ts:3 house/export-purpose-comment", "a.ts:6 house/export-purpose-comment"]);
  });
});
