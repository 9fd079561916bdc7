import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier: string } }[];
}

/**
 * The modules `deno run main.ts` reads before it runs: main.ts's code imports, static and
 * literal dynamic alike (Deno reads both up front), type-only imports left out.
 */
async function loadedModules(entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: InfoModule[];
  };
  const bySpecifier = new Map(graph.modules.map((module) => [module.specifier, module]));
  const seen = new Set<string>();
  const visit = (specifier: string): void => {
    if (seen.has(specifier)) return;
    seen.add(specifier);
    for (const dependency of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (dependency.code) visit(dependency.code.specifier);
    }
  };
  for (const root of graph.roots) visit(root);
  return [...seen];
}

/**
 * `bottle exec` starts within reach of bare Deno start-up only while its path stays light:
 * no npm package (commander, zod, yaml), none of Deno's Node layers that cost start-up
 * (node:fs, node:path, node:buffer: ~20–40 ms each on a quiet machine), and not the CLI or
 * the engine (main.ts imports cli/program.ts through a variable for that reason).
 */
Deno.test("bottle exec's module graph: no npm package, no node:fs/path/buffer, no engine", async () => {
  const modules = await loadedModules(fileURLToPath(new URL("../main.ts", import.meta.url)));
  assert.ok(
    modules.some((specifier) => specifier.endsWith("/cli/exec_command.ts")),
    "the graph should include the exec command (else this test checks nothing)",
  );
  const banned = modules.filter((specifier) =>
    /^npm:|^node:(fs|path|buffer)$|\/cli\/program\.ts$|\/engine\/(apply|plan)\.ts$|\/resources\/mod\.ts$|\/sidecars\//
      .test(specifier)
  );
  assert.deepEqual(banned, []);
});
