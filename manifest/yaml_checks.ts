/**
 * Checks on a frontmatter that keep parsing and validation bounded and every problem located:
 * a lexical nesting estimate before the (recursive) YAML parser runs, then one walk of the
 * parsed tree for exact nesting, alias cycles and expansion, key types, string length and
 * control characters, before the tree is turned into plain data.
 */
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
} from "yaml";
import { EXPANDED_NODE_LIMIT, NESTING_LIMIT, VALUE_LENGTH_LIMIT } from "./limits.ts";

export interface YamlProblem {
  /** 1-based, within the YAML text. */
  line: number;
  col: number;
  message: string;
  hint: string;
}

/** Above this estimate the parser itself could exhaust the stack (it fails near 900). */
const LEXICAL_NESTING_LIMIT = 4 * NESTING_LIMIT;

const NESTING_HINT = `nest at most ${NESTING_LIMIT} levels of mappings and lists`;

/**
 * A cheap over-estimate of nesting, line by line: open indentation levels, leading `- `/`? `
 * markers and open flow brackets (quotes are not parsed, so brackets in strings count too).
 * Only a frontmatter far deeper than the limit is refused here; the tree walk is exact.
 */
export function lexicalNesting(yaml: string): YamlProblem | null {
  const indents: number[] = [];
  let flow = 0;
  const lines = yaml.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const indent = line.length - line.trimStart().length;
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
    indents.push(indent);
    let markers = 0;
    let col = indent;
    while (/^[-?:][ \t]/.test(line.slice(col, col + 2))) {
      markers++;
      col += 2;
      while (line[col] === " " || line[col] === "\t") col++;
    }
    for (let at = col; at < line.length; at++) {
      const char = line[at];
      if (char === "[" || char === "{") flow++;
      else if ((char === "]" || char === "}") && flow > 0) flow--;
      if (indents.length + markers + flow > LEXICAL_NESTING_LIMIT) {
        return { line: index + 1, col: at + 1, message: "nesting is too deep", hint: NESTING_HINT };
      }
    }
    if (indents.length + markers + flow > LEXICAL_NESTING_LIMIT) {
      return { line: index + 1, col: col + 1, message: "nesting is too deep", hint: NESTING_HINT };
    }
  }
  return null;
}

/** Every problem of the parsed tree (at most one per kind), first found first. */
export function checkTree(doc: Document, counter: LineCounter): YamlProblem[] {
  const problems = new Map<string, YamlProblem>();
  let visited = 0;
  const report = (kind: string, node: Node | null, message: string, hint: string): void => {
    if (problems.has(kind)) return;
    const start = node?.range?.[0] ?? 0;
    const { line, col } = counter.linePos(start);
    problems.set(kind, { line, col, message, hint });
  };
  const checkString = (node: Node, value: string, what: "key" | "value"): void => {
    if (value.length > VALUE_LENGTH_LIMIT) {
      report(
        "length",
        node,
        `a ${what} of ${value.length} characters is longer than the limit of ${VALUE_LENGTH_LIMIT}`,
        "shorten it; manifests hold names, hosts and short values",
      );
    }
    const found = firstControl(value, what === "key" ? "" : "\t\n");
    if (found !== undefined) {
      const code = `U+${found.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
      report(
        "control",
        node,
        `a ${what} holds the control character ${code}` +
          (found === "\0" ? " (NUL), which no argument, variable or file name can hold" : ""),
        "remove it; only tab and newline are allowed in values, and no control character in keys",
      );
    }
  };
  const walk = (node: unknown, depth: number, open: Set<unknown>): void => {
    if (problems.has("nesting") || problems.has("expansion") || problems.has("cycle")) return;
    if (++visited > EXPANDED_NODE_LIMIT) {
      report(
        "expansion",
        isAlias(node) ? node : null,
        `aliases expand to more than ${EXPANDED_NODE_LIMIT} values`,
        "write the values out instead of repeating large anchors through aliases",
      );
      return;
    }
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (target === undefined) return;
      if (open.has(target)) {
        report(
          "cycle",
          node,
          `the alias \`*${node.source}\` refers to a collection that contains it`,
          "an alias cannot repeat its own anchor's mapping or list inside it; write the value out",
        );
        return;
      }
      walk(target, depth, open);
      return;
    }
    if (isScalar(node)) {
      if (typeof node.value === "string") checkString(node, node.value, "value");
      return;
    }
    if (!isMap(node) && !isSeq(node)) return;
    if (depth >= NESTING_LIMIT) {
      report("nesting", node, `nesting is deeper than ${NESTING_LIMIT} levels`, NESTING_HINT);
      return;
    }
    open.add(node);
    for (const item of node.items) {
      if (isPair(item)) {
        const key = item.key;
        if (isScalar(key)) {
          if (typeof key.value === "string") checkString(key, key.value, "key");
        } else if (key !== null) {
          report(
            "key",
            isAlias(key) || isMap(key) || isSeq(key) ? key : null,
            "a key must be a plain name, not a mapping, list or alias",
            "write `name: value`; quote the key if it holds `[`, `{`, `?` or `*`",
          );
        }
        walk(item.value, depth + 1, open);
      } else {
        walk(item, depth + 1, open);
      }
    }
    open.delete(node);
  };
  walk(doc.contents, 0, new Set());
  return [...problems.values()];
}

/** The first C0 control character or DEL in `value` that is not in `allowed`. */
export function firstControl(value: string, allowed: string): string | undefined {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if ((code < 0x20 || code === 0x7f) && !allowed.includes(value[index])) return value[index];
  }
  return undefined;
}
