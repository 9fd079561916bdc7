import { assert_, assertEquals, assertMatch } from "../tests/assert.ts";
import { ManifestError, ManifestErrors } from "../manifest/errors.ts";
import { SecretUnavailable } from "../resources/secret_source.ts";
import {
  exitCodeFor,
  formatError,
  INTERNAL_ERROR_EXIT,
  isInternalError,
  jsonErrorOf,
  UserError,
} from "./errors.ts";

Deno.test("operator errors are not internal; anything else is", () => {
  assert_(!isInternalError(new UserError("x", "y")));
  assert_(!isInternalError(new ManifestError("/p/bottles/a.md", 2, 3, "bad", "fix it")));
  assert_(!isInternalError(new ManifestErrors([])));
  assert_(!isInternalError(new SecretUnavailable("unset", "export it")));
  assert_(isInternalError(new TypeError("Cannot read properties of undefined")));
  assert_(isInternalError(new RangeError("Maximum call stack size exceeded")));
  assert_(isInternalError("a thrown string"));
  assertEquals(exitCodeFor(new TypeError("x")), INTERNAL_ERROR_EXIT);
  assertEquals(exitCodeFor(new UserError("x", undefined, 3)), 3);
  assertEquals(exitCodeFor(new SecretUnavailable("x", "y")), 1);
});

Deno.test("an internal error says so and asks for a report with the debug output", () => {
  const text = formatError(new TypeError("boom"));
  assertMatch(text, /^internal error: boom\n/);
  assertMatch(text, /this is a bug in bot-bottle; please report it/);
  assertMatch(text, /BOT_BOTTLE_DEBUG=1 bottle/);
  assertEquals(formatError(new UserError("no", "try this")), "error: no\n  hint: try this");
});

Deno.test("--json errors carry message, hint and located diagnostics", () => {
  const errors = new ManifestErrors([
    new ManifestError("/p/bottles/b.md", 4, 1, "second", "hint b"),
    new ManifestError("/p/bottles/a.md", 2, 3, "first", "hint a"),
  ]);
  const document = jsonErrorOf(errors);
  assertEquals(document.error.internal, false);
  assertEquals(document.error.diagnostics, [
    { file: "/p/bottles/a.md", line: 2, col: 3, message: "first", hint: "hint a" },
    { file: "/p/bottles/b.md", line: 4, col: 1, message: "second", hint: "hint b" },
  ]);
  const user = jsonErrorOf(new UserError("no plan", "make one"));
  assertEquals(user.error.message, "no plan");
  assertEquals(user.error.hint, "make one");
  assertEquals(user.error.diagnostics, []);
  const internal = jsonErrorOf(new Error("oops"));
  assertEquals(internal.error.internal, true);
  assertMatch(internal.error.message, /^internal error: oops$/);
});
