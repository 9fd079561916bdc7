/**
 * No import cycles in the project: a cycle makes load order matter and layering unreadable.
 * - between files, product and tests alike; type-only imports count (they still tie the two
 *   files together), drawn as a dashed arrow (⇢);
 * - between product areas (top-level folders): the product's files only, not `*_test.ts`,
 *   tests/ or examples/.
 *
 * The lists of known cycles below are empty and should stay so: a new cycle fails the test.
 * (When one must be tolerated for a while, list it; a listed cycle that is gone fails too.)
 */
import { fileURLToPath } from "node:url";
import { assertEquals } from "./assert.ts";
import {
  areaGraph,
  describeCycle,
  importCycles,
  type ImportGraph,
  importGraph,
} from "./import_graph.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The files of each file cycle there is (its strongly connected component), sorted. */
const KNOWN_FILE_CYCLES: string[][] = [];

/** The areas of each area cycle there is, sorted. */
const KNOWN_AREA_CYCLES: string[][] = [];

Deno.test("import cycles: none between files but the known ones", () => {
  const { graph, typeOnly } = importGraph(ROOT);
  assertNoNewCycles("file", graph, KNOWN_FILE_CYCLES, (cycle) => describeCycle(cycle, typeOnly));
});

Deno.test("import cycles: none between product areas but the known ones", () => {
  const product = (file: string): boolean =>
    !file.endsWith("_test.ts") && !file.startsWith("tests/") && !file.startsWith("examples/");
  const { graph, via } = areaGraph(importGraph(ROOT).graph, product);
  assertNoNewCycles(
    "area",
    graph,
    KNOWN_AREA_CYCLES,
    (cycle) =>
      cycle.slice(1).map((to, i) => `${cycle[i]} → ${to} (${via.get(`${cycle[i]}\0${to}`)})`)
        .join(", "),
  );
});

function assertNoNewCycles(
  kind: string,
  graph: ImportGraph,
  known: string[][],
  describe: (cycle: string[]) => string,
): void {
  const found = importCycles(graph);
  const key = (members: string[]): string => members.join(" ");
  const knownKeys = new Set(known.map(key));
  const foundKeys = new Set(found.map(({ files }) => key(files)));
  const problems = [
    ...found.filter(({ files }) => !knownKeys.has(key(files))).map(({ cycle, files }) =>
      `an import cycle between ${kind}s: ${describe(cycle)}` +
      (files.length > cycle.length - 1 ? ` (one of the cycles among ${files.join(", ")})` : "")
    ),
    ...known.filter((members) => !foundKeys.has(key(members))).map((members) =>
      `the ${kind} cycle among ${members.join(", ")} is gone: take it off the list in ` +
      "tests/import_cycles_test.ts"
    ),
  ];
  assertEquals(problems, [], `\n  ${problems.join("\n  ")}\n`);
}
