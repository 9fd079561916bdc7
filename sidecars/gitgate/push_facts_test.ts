import assert from "node:assert/strict";
import { parseLog, unquotePath } from "./push_facts.ts";

Deno.test("push facts: git's quoted paths are undone", () => {
  assert.equal(unquotePath("plain/a.txt"), "plain/a.txt");
  assert.equal(unquotePath('".github/a\\"b.yml"'), '.github/a"b.yml');
  assert.equal(unquotePath('"caf\\303\\251\\n"'), "café\n");
});

Deno.test("push facts: log records with paths", () => {
  const text =
    '\x01aaa\x02A\x02a@x\x02C\x02c@x\n\nsrc/x.ts\n"q\\""\n\x01bbb\x02A\x02a@x\x02A\x02a@x\n';
  assert.deepEqual(parseLog(text), [
    {
      oid: "aaa",
      author: { name: "A", email: "a@x" },
      committer: { name: "C", email: "c@x" },
      paths: ["src/x.ts", 'q"'],
    },
    {
      oid: "bbb",
      author: { name: "A", email: "a@x" },
      committer: { name: "A", email: "a@x" },
      paths: [],
    },
  ]);
});
