/**
 * A stray `---` line moves the real frontmatter into the notes: `---`, `---`, `backend: …`
 * gives an empty frontmatter and a body of keys, and the bottle silently loses its config.
 * It is unambiguous when the text after the closing fence starts with top-level lines of
 * known keys: notes are prose, not `egress:` lines.
 */
import type { Frontmatter } from "./frontmatter.ts";

export interface StrayFence {
  line: number;
  message: string;
  hint: string;
}

const FENCE = /^---[ \t]*$/;
const TOP_KEY = /^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?:[ \t]|$)/;

export function strayFence(split: Frontmatter, keys: readonly string[]): StrayFence | null {
  const yamlEmpty = split.yaml.split("\n").every((line) => /^\s*(#.*)?$/.test(line));
  const body = split.body.split("\n");
  let first = body.findIndex((line) => line.trim() !== "");
  if (first === -1) return null;
  const secondBlock = FENCE.test(body[first]);
  if (!yamlEmpty && !secondBlock) return null;
  if (secondBlock) first++;
  const known = new Set(keys);
  const found: string[] = [];
  for (let index = first; index < body.length && !FENCE.test(body[index]); index++) {
    const key = TOP_KEY.exec(body[index])?.[1];
    if (key !== undefined && known.has(key)) found.push(key);
    if (found.length === 0 && body[index].trim() !== "" && key === undefined) return null;
  }
  if (found.length === 0) return null;
  const keyList = [...new Set(found)].map((key) => `\`${key}\``).join(", ");
  return secondBlock
    ? {
      line: split.closingLine + 1 + body.findIndex((line) => line.trim() !== ""),
      message: `a second \`---\` block after the frontmatter holds ${keyList}, which are ` +
        "read as notes and ignored",
      hint: "move these keys into the frontmatter and remove the extra `---` lines",
    }
    : {
      line: split.closingLine,
      message: `the frontmatter is empty: this \`---\` closes it, so ${keyList} below are ` +
        "read as notes and ignored",
      hint: "remove the stray `---` line so the keys sit between the first `---` and the next",
    };
}
