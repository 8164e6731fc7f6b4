// ESLint: the house rules of docs/development.md that a machine can check. Not a style guide.
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";
import house from "./scripts/eslint-house-rules.js";

/** Lines of code (blank lines and comments not counted) above which a file warns, and fails. */
const FILE_SIZE = { soft: 250, hard: 300 };
const countCode = { skipBlankLines: true, skipComments: true };

/** The lint configuration `npm run lint` uses. */
export default defineConfig(
  { ignores: ["node_modules/", "ocf/", "fence/", "bin/nova-ha", "coverage/", ".lab/"] },
  {
    files: ["**/*.ts", "**/*.js", "**/*.mjs", "**/*.cjs"],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: "module" },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { house },
    rules: {
      "house/no-import-cycle": "error",
      "house/max-lines-soft": ["warn", { max: FILE_SIZE.soft, ...countCode }],
      "max-lines": ["error", { max: FILE_SIZE.hard, ...countCode }],
      "house/export-purpose-comment": "error",
      // Named exports only.
      "no-restricted-syntax": ["error", { selector: "ExportDefaultDeclaration", message: "use a named export (house style)" }],
    },
  },
  { files: ["**/*.cjs"], languageOptions: { sourceType: "commonjs" } },
  {
    // Tools' configuration files must export a default.
    files: ["eslint.config.js", "vitest.config.ts", "scripts/eslint-house-rules.js"],
    rules: { "no-restricted-syntax": "off" },
  },
  {
    // Only the kit's runtime ends the process; stdout carries protocol output only.
    files: ["src/**/*.ts", "bin/**/*.ts"],
    ignores: ["src/kit/runtime.ts"],
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "exit", message: "only src/kit/runtime.ts ends the process" }],
      "no-console": "error",
    },
  },
);
