import assert from "node:assert/strict";
import { ManifestError } from "./errors.ts";
import { splitFrontmatter } from "./frontmatter.ts";

Deno.test("splits YAML from the body and reports the YAML's line offset", () => {
  const split = splitFrontmatter("a.md", "---\nkey: 1\nother: 2\n---\n\n# Title\nbody\n");
  assert.equal(split.yaml, "key: 1\nother: 2");
  assert.equal(split.lineOffset, 1);
  assert.equal(split.body, "\n# Title\nbody\n");
});

Deno.test("an empty frontmatter gives empty YAML", () => {
  assert.deepEqual(splitFrontmatter("a.md", "---\n---\n"), {
    yaml: "",
    lineOffset: 1,
    closingLine: 2,
    body: "",
  });
});

Deno.test("CRLF line endings, a BOM and trailing spaces on the fences are accepted", () => {
  const split = splitFrontmatter("a.md", "\uFEFF--- \r\nkey: 1\r\n---\t\r\nbody\r\n");
  assert.equal(split.yaml, "key: 1");
  assert.equal(split.body, "body\n");
});

Deno.test("only the first closing fence ends the frontmatter", () => {
  const split = splitFrontmatter("a.md", "---\na: 1\n---\ntext\n---\nmore\n");
  assert.equal(split.yaml, "a: 1");
  assert.equal(split.body, "text\n---\nmore\n");
});

Deno.test("a file without frontmatter is an error at 1:1", () => {
  assert.throws(
    () => splitFrontmatter("a.md", "# just markdown\n"),
    (error: unknown) =>
      error instanceof ManifestError && error.line === 1 && error.col === 1 &&
      error.message.includes("missing YAML frontmatter") && error.hint.includes("---"),
  );
});

Deno.test("an unterminated frontmatter is an error at 1:1", () => {
  assert.throws(
    () => splitFrontmatter("a.md", "---\nkey: 1\n"),
    (error: unknown) =>
      error instanceof ManifestError && error.line === 1 && error.message.includes("never closed"),
  );
});

Deno.test("a fence must be exactly three dashes", () => {
  assert.throws(() => splitFrontmatter("a.md", "----\na: 1\n----\n"), ManifestError);
  assert.throws(() => splitFrontmatter("a.md", "---\na: 1\n--- x\n"), ManifestError);
});
