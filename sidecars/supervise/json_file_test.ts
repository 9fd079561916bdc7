import assert from "node:assert/strict";
import { join } from "node:path";
import { WatchedJsonFile } from "./json_file.ts";

Deno.test("watched JSON file: re-read on change, the last good kept while it is bad", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = join(dir, "policy.json");
    const logged: string[] = [];
    let parses = 0;
    const file = new WatchedJsonFile(path, (json) => {
      parses++;
      const value = (json as { n?: unknown }).n;
      if (typeof value !== "number") throw new Error("n must be a number");
      return value;
    }, (line) => logged.push(line));
    assert.equal(file.get(), null);
    const write = (text: string): void => {
      Deno.writeTextFileSync(`${path}.tmp`, text);
      Deno.renameSync(`${path}.tmp`, path);
    };
    write('{"n": 1}');
    assert.equal(file.get(), 1);
    assert.equal(file.get(), 1);
    assert.equal(parses, 1, "unchanged: not parsed again");
    write('{"n": "x"}');
    assert.equal(file.get(), 1);
    assert.equal(file.get(), 1);
    assert.equal(parses, 2, "a bad file is parsed once");
    write("{");
    assert.equal(file.get(), 1);
    Deno.removeSync(path);
    assert.equal(file.get(), 1);
    write('{"n": 2}');
    assert.equal(file.get(), 2);
    assert.equal(logged.length, 4);
    assert.match(logged[1], /n must be a number; using the last good version/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
