import assert from "node:assert/strict";
import { BatchParser } from "./batch_parser.ts";

function parseAll(chunks: string[]): string[] {
  const seen: string[] = [];
  let body = "";
  const parser = new BatchParser({
    start: (oid, type, size) => seen.push(`${oid}:${type}:${size}`),
    data: (chunk) => (body += new TextDecoder().decode(chunk)),
    end: () => {
      seen.push(`=${body}`);
      body = "";
    },
  });
  for (const chunk of chunks) parser.push(new TextEncoder().encode(chunk));
  assert.equal(parser.complete, true);
  return seen;
}

Deno.test("batch parser: objects in one chunk, split anywhere, and empty", () => {
  const output = "a blob 5\nhello\nb blob 0\n\nc commit 3\nx\ny\n";
  const expected = ["a:blob:5", "=hello", "b:blob:0", "=", "c:commit:3", "=x\ny"];
  assert.deepEqual(parseAll([output]), expected);
  for (let i = 1; i < output.length; i++) {
    assert.deepEqual(parseAll([output.slice(0, i), output.slice(i)]), expected, `split at ${i}`);
  }
  assert.deepEqual(parseAll(output.split("")), expected);
});

Deno.test("batch parser: malformed output throws", () => {
  const parser = new BatchParser({ start: () => {}, data: () => {}, end: () => {} });
  assert.throws(() => parser.push(new TextEncoder().encode("x missing\n")), /unexpected/);
});
