import { ManifestError } from "./errors.ts";

/** A manifest file split into its YAML frontmatter and Markdown body. */
export interface Frontmatter {
  yaml: string;
  /** Lines of the file before the YAML: add it to a YAML line to get the file line. */
  lineOffset: number;
  /** The 1-based file line of the closing `---`; the body starts on the next line. */
  closingLine: number;
  body: string;
}

const FENCE = /^---[ \t]*$/;

/** Split `text` at its `---` fences; a missing or unclosed frontmatter is a ManifestError. */
export function splitFrontmatter(file: string, text: string): Frontmatter {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const lines = source.replaceAll("\r\n", "\n").split("\n");
  const isFence = (line: string): boolean => FENCE.test(line);
  if (!isFence(lines[0])) {
    throw new ManifestError(
      file,
      1,
      1,
      "missing YAML frontmatter: the file must start with a `---` line",
      "start the file with `---`, then the YAML keys, then a closing `---` line",
    );
  }
  const end = lines.findIndex((line, index) => index > 0 && isFence(line));
  if (end === -1) {
    throw new ManifestError(
      file,
      1,
      1,
      "the frontmatter opened on line 1 is never closed",
      "add a `---` line after the last YAML key",
    );
  }
  return {
    yaml: lines.slice(1, end).join("\n"),
    lineOffset: 1,
    closingLine: end + 1,
    body: lines.slice(end + 1).join("\n"),
  };
}
