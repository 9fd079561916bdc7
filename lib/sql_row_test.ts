import assert from "node:assert/strict";
import { columns, SqlRowError } from "./sql_row.ts";

Deno.test("sql_row: typed columns, a wrong type or value names the column", () => {
  const row = columns("t", { a: "x", n: 3, big: 4n, none: null, kind: "git" });
  assert.equal(row.text("a"), "x");
  assert.equal(row.integer("n"), 3);
  assert.equal(row.integer("big"), 4);
  assert.equal(row.textOrNull("none"), null);
  assert.equal(row.integerOrNull("none"), null);
  assert.equal(row.oneOf("kind", ["egress", "git"] as const), "git");
  assert.throws(() => row.text("n"), new SqlRowError("t.n should be text, not number"));
  assert.throws(() => row.integer("a"), /t\.a should be an integer, not string/);
  assert.throws(() => row.text("missing"), /t\.missing should be text, not undefined/);
  assert.throws(() => row.oneOf("a", ["egress"]), /t\.a is "x", not one of egress/);
});
