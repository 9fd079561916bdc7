import { type Document, isMap, LineCounter, parseDocument, type YAMLError } from "yaml";
import type { z } from "zod";
import { ManifestError } from "./errors.ts";
import { type Frontmatter, splitFrontmatter } from "./frontmatter.ts";
import { describeIssues } from "./issues.ts";
import { MANIFEST_FILE_LIMIT } from "./limits.ts";
import { type Locator, yamlLocator } from "./positions.ts";
import { strayFence } from "./stray_fence.ts";
import { checkTree, lexicalNesting } from "./yaml_checks.ts";

/** A validated manifest file: its frontmatter data, body, and a way back to positions. */
export interface ParsedManifest<T> {
  data: T;
  body: string;
  locate: Locator;
}

export type ParseResult<T> =
  | { ok: true; manifest: ParsedManifest<T> }
  | { ok: false; errors: ManifestError[] };

/**
 * Parse and validate one manifest; `kind` names its root in messages (`bottle`, `agent`) and
 * `keys` are its top-level keys (to recognise them below a stray `---`).
 */
export function parseManifest<T>(
  file: string,
  text: string,
  schema: z.ZodType<T>,
  kind: string,
  keys: readonly string[] = [],
): ParseResult<T> {
  const fail = (errors: ManifestError[]): ParseResult<T> => ({ ok: false, errors });
  if (text.length > MANIFEST_FILE_LIMIT) {
    return fail([tooLarge(file, text.length)]);
  }
  let split: Frontmatter;
  try {
    split = splitFrontmatter(file, text);
  } catch (error) {
    if (error instanceof ManifestError) return { ok: false, errors: [error] };
    throw error;
  }
  const stray = strayFence(split, keys);
  if (stray !== null) {
    return fail([new ManifestError(file, stray.line, 1, stray.message, stray.hint)]);
  }
  const deep = lexicalNesting(split.yaml);
  if (deep !== null) {
    return fail([
      new ManifestError(file, deep.line + split.lineOffset, deep.col, deep.message, deep.hint),
    ]);
  }
  const counter = new LineCounter();
  const doc = parseYaml(split.yaml, counter);
  if (doc instanceof Error) {
    return fail([
      new ManifestError(
        file,
        split.lineOffset + 1,
        1,
        `the frontmatter cannot be parsed: ${doc.message}`,
        "simplify the frontmatter: fewer levels of nesting, no long runs of brackets",
      ),
    ]);
  }
  const locate = yamlLocator(doc, counter, split.lineOffset);
  if (doc.errors.length > 0) {
    return fail(doc.errors.map((error) => yamlError(file, error, counter, split.lineOffset)));
  }
  const problems = checkTree(doc, counter);
  if (problems.length > 0) {
    return fail(
      problems.map((problem) =>
        new ManifestError(
          file,
          problem.line + split.lineOffset,
          problem.col,
          problem.message,
          problem.hint,
        )
      ),
    );
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    const { line, col } = locate([]);
    return fail([
      new ManifestError(
        file,
        line,
        col,
        `the frontmatter of a ${kind} must be a mapping of keys`,
        "write one `key: value` per line between the `---` lines",
      ),
    ]);
  }
  const input = toJs(doc);
  if (input instanceof Error) {
    return fail([new ManifestError(file, 1, 1, input.message, "avoid deeply nested aliases")]);
  }
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) {
    return fail(
      describeIssues(result.error.issues, input, kind).map((issue) => {
        const { line, col } = locate(issue.path, issue.target);
        return new ManifestError(file, line, col, issue.message, issue.hint);
      }),
    );
  }
  return { ok: true, manifest: { data: result.data, body: split.body.trim(), locate } };
}

/** The parser recurses per level: a stack overflow the lexical check missed is an Error. */
function parseYaml(yaml: string, counter: LineCounter): Document | Error {
  try {
    return parseDocument(yaml, { lineCounter: counter, prettyErrors: false });
  } catch (error) {
    if (error instanceof RangeError) return new Error("it is nested too deeply");
    throw error;
  }
}

function tooLarge(file: string, size: number): ManifestError {
  return new ManifestError(
    file,
    undefined,
    undefined,
    `the manifest is ${size} characters, more than the limit of ${MANIFEST_FILE_LIMIT}`,
    "a manifest holds keys and short notes; move long documentation to another file",
  );
}

function toJs(doc: Document): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

const YAML_HINTS: Record<string, string> = {
  DUPLICATE_KEY: "each key may appear once in a mapping; remove or merge the repeated key",
  TAB_AS_INDENT: "indent with spaces, not tabs",
  BAD_INDENT: "indent nested keys consistently with spaces",
  MISSING_CHAR: "close the quote or bracket that was opened",
  MULTILINE_IMPLICIT_KEY: "a key must fit on one line; check the indentation above",
  BLOCK_AS_IMPLICIT_KEY: "check the indentation of this line and the one above",
};

function yamlError(
  file: string,
  error: YAMLError,
  counter: LineCounter,
  lineOffset: number,
): ManifestError {
  const { line, col } = counter.linePos(error.pos[0]);
  const message = `invalid YAML: ${error.message.replace(/\s+/g, " ").trim()}`;
  const hint = YAML_HINTS[error.code] ??
    "check the YAML syntax here; quote values that contain `: `, `#` or start with `*`, `&`, `!`";
  return new ManifestError(file, line + lineOffset, col, message, hint);
}
