/**
 * The project's own import graph: every .ts file under the root (not node_modules, hidden
 * folders or docs/), with an edge for each relative specifier in a static `import … from`,
 * `import "…"`, `import type …` or `export … from`. Only the source's code counts: comments,
 * strings and template literals are blanked first, so an import written inside a string (a
 * fixture) or a comment is no edge. A specifier naming no file in the tree is left out.
 */
import { dirname, join, normalize, relative } from "node:path";

/** File → the files it imports, both relative to the root (`lib/json.ts`). */
export type ImportGraph = Map<string, string[]>;

/** An import of types only (`import type`, `export type`, every name marked `type`). */
export interface Specifier {
  specifier: string;
  typeOnly: boolean;
}

const SKIPPED_DIRS = new Set(["node_modules", "docs"]);

export function projectFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of Deno.readDirSync(join(root, dir))) {
      if (entry.name.startsWith(".")) continue;
      const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory && !SKIPPED_DIRS.has(entry.name)) walk(path);
      else if (entry.isFile && entry.name.endsWith(".ts")) out.push(path);
    }
  };
  walk("");
  return out.sort();
}

export interface ProjectImports {
  graph: ImportGraph;
  /** `from\0to` for every edge made of type-only imports. */
  typeOnly: Set<string>;
}

export function importGraph(root: string, files: string[] = projectFiles(root)): ProjectImports {
  const known = new Set(files);
  const graph: ImportGraph = new Map();
  const valueEdges = new Set<string>();
  const allEdges = new Set<string>();
  for (const file of files) {
    const targets: string[] = [];
    for (
      const { specifier, typeOnly } of importSpecifiers(Deno.readTextFileSync(join(root, file)))
    ) {
      if (!specifier.startsWith("./") && !specifier.startsWith("../")) continue;
      const target = relative(".", normalize(join(dirname(file), specifier)));
      if (!known.has(target)) continue;
      targets.push(target);
      allEdges.add(`${file}\0${target}`);
      if (!typeOnly) valueEdges.add(`${file}\0${target}`);
    }
    graph.set(file, [...new Set(targets)]);
  }
  return { graph, typeOnly: new Set([...allEdges].filter((edge) => !valueEdges.has(edge))) };
}

/** The specifiers of a module's static imports and re-exports, in order. */
export function importSpecifiers(source: string): Specifier[] {
  const { code, strings } = blankLiterals(source);
  const out: Specifier[] = [];
  const statement =
    /(?:^|[;}\n])\s*(?:import|export)\b(\s+type\b)?\s*(?:([\w$*{},\s]*?)\s*\bfrom\s*)?\uE000(\d+)\uE000/g;
  for (const [, typeKeyword, names, index] of code.matchAll(statement)) {
    out.push({
      specifier: strings[Number(index)],
      typeOnly: !!typeKeyword || namesAreTypes(names),
    });
  }
  return out;
}

/** `{ type A, type B }`: every name imported is a type. */
function namesAreTypes(names: string | undefined): boolean {
  const braced = /^\{([^}]*)\}$/.exec(names?.trim() ?? "");
  if (!braced) return false;
  const items = braced[1].split(",").map((item) => item.trim()).filter((item) => item !== "");
  return items.length > 0 && items.every((item) => /^type\s/.test(item));
}

/**
 * The source with comments and the contents of strings, template literals and regular
 * expressions out of the way: each string literal becomes `\uE000N\uE000` (N indexing `strings`), a
 * template literal or regex becomes a space. Regex literals are told from division by the
 * token before the slash.
 */
function blankLiterals(source: string): { code: string; strings: string[] } {
  const strings: string[] = [];
  let code = "";
  let i = 0;
  let last = ""; // the last significant character emitted, to tell a regex from a division
  while (i < source.length) {
    const char = source[i];
    const next = source[i + 1];
    if (char === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      i = end === -1 ? source.length : end;
    } else if (char === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      i = end === -1 ? source.length : end + 2;
      code += " ";
    } else if (char === '"' || char === "'") {
      const end = stringEnd(source, i, char);
      strings.push(unquote(source.slice(i + 1, end)));
      code += `\uE000${strings.length - 1}\uE000`;
      last = char;
      i = end + 1;
    } else if (char === "`") {
      i = templateEnd(source, i) + 1;
      code += " ";
      last = "`";
    } else if (char === "/" && regexMayStart(last, code)) {
      i = regexEnd(source, i) + 1;
      code += " ";
      last = "/";
    } else {
      code += char;
      if (!/\s/.test(char)) last = char;
      i++;
    }
  }
  return { code, strings };
}

function stringEnd(source: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < source.length && source[i] !== quote && source[i] !== "\n") {
    i += source[i] === "\\" ? 2 : 1;
  }
  return Math.min(i, source.length);
}

/** The closing backtick, stepping over `${…}` substitutions (which may nest strings). */
function templateEnd(source: string, start: number): number {
  let i = start + 1;
  while (i < source.length && source[i] !== "`") {
    if (source[i] === "\\") i += 2;
    else if (source[i] === "$" && source[i + 1] === "{") i = substitutionEnd(source, i + 2) + 1;
    else i++;
  }
  return Math.min(i, source.length);
}

function substitutionEnd(source: string, start: number): number {
  let depth = 1;
  let i = start;
  while (i < source.length) {
    const char = source[i];
    if (char === '"' || char === "'") i = stringEnd(source, i, char) + 1;
    else if (char === "`") i = templateEnd(source, i) + 1;
    else if (char === "{") depth++, i++;
    else if (char === "}" && --depth === 0) return i;
    else i++;
  }
  return source.length;
}

function regexMayStart(last: string, code: string): boolean {
  if (last === "" || "(,=:[!&|?{};+-*%<>~^".includes(last)) return true;
  return /\b(?:return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await)\s*$/.test(code);
}

function regexEnd(source: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < source.length && source[i] !== "\n") {
    const char = source[i];
    if (char === "\\") i++;
    else if (char === "[") inClass = true;
    else if (char === "]") inClass = false;
    else if (char === "/" && !inClass) return i;
    i++;
  }
  return i;
}

function unquote(body: string): string {
  return body.replaceAll(/\\(.)/g, "$1");
}

/**
 * The import cycles: one per strongly connected component of more than one file (or a file
 * importing itself), each as a shortest cycle through the component's first file, closed on
 * itself (`a.ts → b.ts → a.ts`), with the component's size when it holds more files.
 */
export function importCycles(graph: ImportGraph): { cycle: string[]; files: string[] }[] {
  return components(graph)
    .filter((files) => files.length > 1 || (graph.get(files[0]) ?? []).includes(files[0]))
    .map((files) => ({ cycle: shortestCycle(graph, files[0], new Set(files)), files }));
}

/**
 * The graph between areas (top-level folders) made by
 * the files `include` keeps; an edge's `via` names one file import that makes it.
 */
export function areaGraph(
  graph: ImportGraph,
  include: (file: string) => boolean,
): { graph: ImportGraph; via: Map<string, string> } {
  const areas: ImportGraph = new Map();
  const via = new Map<string, string>();
  for (const [file, targets] of graph) {
    if (!include(file)) continue;
    const from = areaOf(file);
    if (!areas.has(from)) areas.set(from, []);
    for (const target of targets.filter(include)) {
      const to = areaOf(target);
      if (to === from || via.has(`${from}\0${to}`)) continue;
      areas.get(from)!.push(to);
      via.set(`${from}\0${to}`, `${file} → ${target}`);
    }
  }
  return { graph: areas, via };
}

/** A file's top-level folder; `(root)` for main.ts and mod.ts. */
export function areaOf(file: string): string {
  const slash = file.indexOf("/");
  return slash === -1 ? "(root)" : file.slice(0, slash);
}

/** `a.ts → b.ts ⇢ a.ts`: a dashed arrow for an edge of type-only imports. */
export function describeCycle(cycle: string[], typeOnly: Set<string>): string {
  return cycle.map((file, i) =>
    i === 0 ? file : `${typeOnly.has(`${cycle[i - 1]}\0${file}`) ? "⇢" : "→"} ${file}`
  ).join(" ");
}

/** Tarjan's strongly connected components, each sorted, iteratively (no deep recursion). */
function components(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of [...graph.keys()].sort()) {
    if (index.has(root)) continue;
    const frames: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const edges = graph.get(frame.node) ?? [];
      if (frame.next < edges.length) {
        const target = edges[frame.next++];
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          frames.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        for (let member = ""; member !== frame.node;) {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        }
        out.push(component.sort());
      }
    }
  }
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

/** Breadth-first from `start` back to itself, inside `within`. */
function shortestCycle(graph: ImportGraph, start: string, within: Set<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    for (const target of graph.get(node) ?? []) {
      if (!within.has(target)) continue;
      if (target === start) {
        const path: string[] = [];
        for (let at = node; at !== start; at = previous.get(at)!) path.unshift(at);
        return [start, ...path, start];
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}
