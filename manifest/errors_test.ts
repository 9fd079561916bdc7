import assert from "node:assert/strict";
import { displayPath, ManifestError, ManifestErrors } from "./errors.ts";

Deno.test("an error formats as file:line:col, message, then an indented hint", () => {
  const error = new ManifestError("/p/bottles/dev.md", 3, 5, "bad thing", "do this");
  assert.equal(error.format("/p"), "bottles/dev.md:3:5: bad thing\n  hint: do this");
});

Deno.test("an error without a position formats as file: message", () => {
  const error = new ManifestError("/p/bottles/X.md", undefined, undefined, "bad name", "rename");
  assert.equal(error.format("/p"), "bottles/X.md: bad name\n  hint: rename");
});

Deno.test("paths outside the cwd stay absolute", () => {
  assert.equal(displayPath("/other/a.md", "/p"), "/other/a.md");
  assert.equal(displayPath("/p/a.md", "/p"), "a.md");
  assert.equal(displayPath("/p/a.md", "/p/sub"), "/p/a.md");
  assert.equal(displayPath("/p..x/a.md", "/p"), "/p..x/a.md");
  assert.equal(displayPath("rel/a.md", "/p"), "rel/a.md");
});

Deno.test("ManifestErrors sorts by file then position and formats every error", () => {
  const errors = new ManifestErrors([
    new ManifestError("/p/b.md", 2, 1, "third", "h3"),
    new ManifestError("/p/a.md", 9, 1, "second", "h2"),
    new ManifestError("/p/a.md", 2, 7, "first", "h1"),
  ]);
  assert.deepEqual(errors.errors.map((error) => error.message), ["first", "second", "third"]);
  assert.equal(
    errors.format("/p"),
    "a.md:2:7: first\n  hint: h1\na.md:9:1: second\n  hint: h2\nb.md:2:1: third\n  hint: h3",
  );
  assert.ok(errors instanceof Error);
  assert.equal(errors.name, "ManifestErrors");
  assert.doesNotMatch(errors.format("/p"), /^\s*at /m);
});
