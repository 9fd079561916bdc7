import { type Document, isAlias, isMap, isNode, isScalar, isSeq, type LineCounter } from "yaml";

export interface Position {
  line: number;
  col: number;
}

/** Point at a path's value, or at its key (unknown keys); a missing path gives its parent. */
export type Locator = (path: readonly PropertyKey[], target?: "value" | "key") => Position;

/** A Locator over a parsed frontmatter; `lineOffset` lines of the file precede the YAML. */
export function yamlLocator(doc: Document, counter: LineCounter, lineOffset: number): Locator {
  const at = (node: unknown): Position => {
    const start = isNode(node) ? node.range?.[0] : undefined;
    if (start === undefined) return { line: lineOffset, col: 1 };
    const { line, col } = counter.linePos(start);
    return { line: line + lineOffset, col };
  };
  return (path, target = "value") => {
    let node: unknown = doc.contents;
    let key: unknown;
    const here = (): Position => at(key !== undefined && isBlank(node) ? key : node);
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((item) => keyText(item.key) === String(segment));
        if (pair === undefined) return here();
        key = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number" && segment < node.items.length) {
        key = undefined;
        node = node.items[segment];
      } else {
        return here();
      }
    }
    return target === "key" && key !== undefined ? at(key) : here();
  };
}

function isBlank(node: unknown): boolean {
  return node === null || (isScalar(node) && node.value === null && node.source === "");
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}
