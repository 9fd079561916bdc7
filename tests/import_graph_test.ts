import { assertEquals } from "./assert.ts";
import { describeCycle, importCycles, importSpecifiers } from "./import_graph.ts";

Deno.test("import graph: static imports and re-exports, not strings, comments or dynamic imports", () => {
  const source = [
    `import { a } from "./a.ts";`,
    `import type { B } from '../b.ts';`,
    `import {\n  c,\n  type C,\n} from "./c.ts";`,
    `import { type D, type E } from "./d.ts";`,
    `import "./side_effect.ts";`,
    `export * from "./star.ts";`,
    `export { f as g } from "./f.ts";`,
    `export type { H } from "./h.ts";`,
    `import x, * as y from "npm:zod";`,
    `// import { no } from "./comment.ts";`,
    `/* export * from "./block.ts"; */`,
    'const text = `import { no } from "./template.ts" ${"x"}`;',
    `const quoted = 'import { no } from "./string.ts"';`,
    `const re = /import "\\.\\/regex.ts"/;`,
    `const lazy = await import("./dynamic.ts");`,
    `export const from = "./value.ts";`,
  ].join("\n");
  assertEquals(importSpecifiers(source), [
    { specifier: "./a.ts", typeOnly: false },
    { specifier: "../b.ts", typeOnly: true },
    { specifier: "./c.ts", typeOnly: false },
    { specifier: "./d.ts", typeOnly: true },
    { specifier: "./side_effect.ts", typeOnly: false },
    { specifier: "./star.ts", typeOnly: false },
    { specifier: "./f.ts", typeOnly: false },
    { specifier: "./h.ts", typeOnly: true },
    { specifier: "npm:zod", typeOnly: false },
  ]);
});

Deno.test("import graph: each cycle once, shortest through its first file", () => {
  const graph = new Map([
    ["a.ts", ["b.ts"]],
    ["b.ts", ["c.ts", "a.ts"]],
    ["c.ts", ["a.ts"]],
    ["d.ts", ["d.ts"]],
    ["e.ts", ["a.ts"]],
    ["f.ts", []],
  ]);
  assertEquals(importCycles(graph), [
    { cycle: ["a.ts", "b.ts", "a.ts"], files: ["a.ts", "b.ts", "c.ts"] },
    { cycle: ["d.ts", "d.ts"], files: ["d.ts"] },
  ]);
  assertEquals(
    describeCycle(["a.ts", "b.ts", "a.ts"], new Set(["b.ts\0a.ts"])),
    "a.ts → b.ts ⇢ a.ts",
  );
});
