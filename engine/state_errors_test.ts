import { assertEquals, assertMatch } from "../tests/assert.ts";
import { classifyStateError, mapStateError, StateError } from "./state_errors.ts";
import { SqlRowError } from "../lib/sql_row.ts";

Deno.test("state errors: SQLite failures are classified by code or message", () => {
  const cases: [unknown, string | null][] = [
    [new Error("file is not a database"), "corrupt"],
    [new Error("database disk image is malformed"), "corrupt"],
    [Object.assign(new Error("x"), { errcode: 11 }), "corrupt"],
    [Object.assign(new Error("x"), { errcode: 26 }), "corrupt"],
    [new Error("database or disk is full"), "full"],
    [Object.assign(new Error("write"), { code: "ENOSPC" }), "full"],
    [new Error("attempt to write a readonly database"), "readonly"],
    [Object.assign(new Error("x"), { errcode: 8 | (1 << 8) }), "readonly"],
    [Object.assign(new Error("mkdir"), { code: "EROFS" }), "readonly"],
    [new Error("disk I/O error"), "io"],
    [new Error('near "NOPE": syntax error'), null],
    ["a string", null],
  ];
  for (const [error, expected] of cases) assertEquals(classifyStateError(error), expected);
});

Deno.test("state errors: a mapped error names the file and what to do; others pass through", () => {
  const mapped = mapStateError(new Error("attempt to write a readonly database"), "/s/state.db");
  if (!(mapped instanceof StateError)) throw new Error("not mapped");
  assertMatch(mapped.message, /\/s\/state\.db is read-only/);
  assertMatch(mapped.hint, /writable/);
  const full = mapStateError(new Error("database or disk is full"), "/s/state.db");
  assertMatch(
    (full as StateError).message,
    /disk holding the state database \/s\/state\.db is full/,
  );
  const other = new Error("no such column: x");
  assertEquals(mapStateError(other, "/s/state.db"), other);
});

Deno.test("classifyStateError: a column of the wrong type is a corrupt database", () => {
  assertEquals(classifyStateError(new SqlRowError("resources.status should be text")), "corrupt");
});
