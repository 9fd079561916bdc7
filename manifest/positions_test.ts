import assert from "node:assert/strict";
import { LineCounter, parseDocument } from "yaml";
import { type Locator, yamlLocator } from "./positions.ts";

function locator(yaml: string, lineOffset = 1): Locator {
  const counter = new LineCounter();
  return yamlLocator(parseDocument(yaml, { lineCounter: counter }), counter, lineOffset);
}

const YAML = [
  "backend: docker", // line 2 of the file
  "egress:",
  "  allow:",
  "    - example.com",
  "    - other.org",
  "  routes:",
  "    - host: api.example.com",
  "      auth: {scheme: bearer, secret: {env: TOKEN}}",
  "git_user:",
  "anchor: &a {x: 1}",
  "alias: *a",
].join("\n");

Deno.test("a path points at its value, in file coordinates", () => {
  const locate = locator(YAML);
  assert.deepEqual(locate(["backend"]), { line: 2, col: 10 });
  assert.deepEqual(locate(["egress", "allow", 1]), { line: 6, col: 7 });
  assert.deepEqual(locate(["egress", "routes", 0, "host"]), { line: 8, col: 13 });
  assert.deepEqual(locate(["egress", "routes", 0, "auth", "secret", "env"]), { line: 9, col: 44 });
});

Deno.test("the key target points at the key", () => {
  const locate = locator(YAML);
  assert.deepEqual(locate(["backend"], "key"), { line: 2, col: 1 });
  assert.deepEqual(locate(["egress", "routes", 0, "auth"], "key"), { line: 9, col: 7 });
});

Deno.test("a missing key points at the mapping that should hold it", () => {
  const locate = locator(YAML);
  assert.deepEqual(locate(["egress", "routes", 0, "auth", "header"]), { line: 9, col: 13 });
  assert.deepEqual(locate(["egress", "routes", 3, "host"]), { line: 8, col: 5 });
  assert.deepEqual(locate(["nothing"]), { line: 2, col: 1 });
});

Deno.test("an empty value points at its key", () => {
  const locate = locator(YAML);
  assert.deepEqual(locate(["git_user"]), { line: 10, col: 1 });
  assert.deepEqual(locate(["git_user", "name"]), { line: 10, col: 1 });
});

Deno.test("aliases are followed to their anchor", () => {
  assert.deepEqual(locator(YAML)(["alias", "x"]), { line: 11, col: 16 });
});

Deno.test("an empty document points at the opening fence", () => {
  assert.deepEqual(locator("")(["provider"]), { line: 1, col: 1 });
  assert.deepEqual(locator("", 4)([]), { line: 4, col: 1 });
});
