// The house rules ESLint has no rule for: no import cycle (type-only imports count), a soft file-size limit,
// a one-line purpose comment above every export. Loaded by eslint.config.js as the plugin `house`.
import { readFileSync, statSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import ts from "typescript";
import { builtinRules } from "eslint/use-at-your-own-risk";

/** A relative specifier as TypeScript resolves it under NodeNext: `./a.js` is `./a.ts` when that exists. */
function resolveRelative(from, specifier) {
  if (!specifier.startsWith(".")) return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, ".ts"), base.replace(/\.mjs$/, ".mts"), base.replace(/\.cjs$/, ".cts"), base, `${base}.ts`, `${base}/index.ts`];
  return candidates.find((file) => {
    try {
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/** Every import, re-export, `import()` and `typeof import()` of a source text, type-only ones included. */
function importsIn(file, text) {
  return ts.preProcessFile(text, true, true).importedFiles
    .map((entry) => ({ target: resolveRelative(file, entry.fileName), specifier: entry.fileName, pos: entry.pos }))
    .filter((entry) => entry.target !== undefined);
}

/** The project's import graph, read from disk file by file as the lint run asks for it. */
const importCache = new Map();
function importsOf(file) {
  let targets = importCache.get(file);
  if (targets === undefined) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      // a file that cannot be read imports nothing
    }
    targets = [...new Set(importsIn(file, text).map((entry) => entry.target))];
    importCache.set(file, targets);
  }
  return targets;
}

/**
 * The strongly connected component of every file reached so far (Tarjan, run once from each file not yet reached):
 * an import is part of a cycle exactly when both ends share a component.
 */
const componentOf = new Map();
const tarjan = { index: new Map(), low: new Map(), stack: [], onStack: new Set(), next: 0 };
function component(file) {
  if (!componentOf.has(file)) strongConnect(file);
  return componentOf.get(file);
}
function strongConnect(file) {
  tarjan.index.set(file, tarjan.next);
  tarjan.low.set(file, tarjan.next);
  tarjan.next += 1;
  tarjan.stack.push(file);
  tarjan.onStack.add(file);
  for (const next of importsOf(file)) {
    if (!tarjan.index.has(next)) {
      strongConnect(next);
      tarjan.low.set(file, Math.min(tarjan.low.get(file), tarjan.low.get(next)));
    } else if (tarjan.onStack.has(next)) {
      tarjan.low.set(file, Math.min(tarjan.low.get(file), tarjan.index.get(next)));
    }
  }
  if (tarjan.low.get(file) === tarjan.index.get(file)) {
    let member;
    do {
      member = tarjan.stack.pop();
      tarjan.onStack.delete(member);
      componentOf.set(member, file);
    } while (member !== file);
  }
}

/** The shortest import path from `start` back to `goal`, or undefined. */
function pathBack(start, goal) {
  const cameFrom = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const next of importsOf(file)) {
      if (next === goal) {
        const path = [file];
        for (let step = cameFrom.get(file); step !== undefined; step = cameFrom.get(step)) path.unshift(step);
        return path;
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, file);
        queue.push(next);
      }
    }
  }
  return undefined;
}

/** Forbids import cycles; unlike import-x/no-cycle, `import type` counts (a circle of types is a circle of concepts). */
const noImportCycle = {
  meta: { type: "problem", schema: [], messages: { cycle: "import cycle: {{cycle}} (type-only imports count; move what both need to a leaf file)" } },
  create(context) {
    const file = context.physicalFilename;
    return {
      Program() {
        // The graph is read from disk (each file scanned once); the linted text is scanned only to place a report.
        if (!importsOf(file).some((target) => target === file || component(target) === component(file))) return;
        const source = context.sourceCode;
        for (const entry of importsIn(file, source.text)) {
          if (entry.target !== file && component(entry.target) !== component(file)) continue;
          const path = pathBack(entry.target, file);
          if (path === undefined) continue;
          const cycle = [file, ...path, file].map((step) => relative(context.cwd, step)).join(" → ");
          const start = source.getLocFromIndex(entry.pos);
          const end = source.getLocFromIndex(entry.pos + entry.specifier.length + 2);
          context.report({ loc: { start, end }, messageId: "cycle", data: { cycle } });
        }
      },
    };
  },
};

/** Every `export` declaration has a comment on the lines right above it saying what it is for. */
const exportPurposeComment = {
  meta: { type: "suggestion", schema: [], messages: { missing: "export without a purpose comment: add a one-line comment above it" } },
  create(context) {
    const check = (node) => {
      if (node.type === "ExportNamedDeclaration" && node.declaration == null) return; // re-exports and export lists
      const before = context.sourceCode.getCommentsBefore(node);
      const last = before[before.length - 1];
      if (last === undefined || last.loc.end.line < node.loc.start.line - 1) context.report({ node, messageId: "missing" });
    };
    return { ExportNamedDeclaration: check, ExportDefaultDeclaration: check };
  },
};

/** The house ESLint plugin. */
export default {
  meta: { name: "house" },
  rules: {
    "no-import-cycle": noImportCycle,
    "export-purpose-comment": exportPurposeComment,
    // The core max-lines a second time, so the "about 250 lines" of the house style can warn below the hard limit.
    "max-lines-soft": builtinRules.get("max-lines"),
  },
};
