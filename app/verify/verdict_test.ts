import { assertEquals } from "../../tests/assert.ts";
import { allOf, combine, fail, noOutput, pass, perlQuote, shQuote, skip } from "./verdict.ts";
import { raw } from "./testing.ts";

Deno.test("allOf: PASS shows every check, FAIL only the failing ones", () => {
  assertEquals(allOf([{ ok: true, evidence: "a" }, { ok: true, evidence: "b" }]), {
    verdict: "PASS",
    evidence: "a; b",
  });
  assertEquals(allOf([{ ok: true, evidence: "a" }, { ok: false, evidence: "b" }]), {
    verdict: "FAIL",
    evidence: "b",
  });
});

Deno.test("combine: any FAIL fails with its evidence; a SKIP does not fail", () => {
  assertEquals(combine(pass("a"), fail("b"), fail("c")), { verdict: "FAIL", evidence: "b; c" });
  assertEquals(combine(pass("a"), skip("b")), { verdict: "PASS", evidence: "a; b" });
});

Deno.test("noOutput names the exit status and the start of stderr", () => {
  assertEquals(
    noOutput(raw("", 127, "sh: perl: not found\nmore\nand more")),
    "the probe script printed nothing usable (exit 127: sh: perl: not found / more)",
  );
});

Deno.test("quoting for sh and Perl", () => {
  assertEquals(shQuote("it's"), `'it'\\''s'`);
  assertEquals(perlQuote("a'b\\c"), `'a\\'b\\\\c'`);
});
