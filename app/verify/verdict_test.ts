import { assertEquals } from "../../tests/assert.ts";
import { allOf, field, fields, noOutput, perlQuote, shQuote } from "./verdict.ts";

Deno.test("fields: key=value lines only, every value of a repeated key in order", () => {
  const out = "noise\nrc=1\nerror=a: b=c\nrc=2\n=x\nunshare(CLONE_NEWUSER)=EPERM 1 x\n";
  const map = fields(out);
  assertEquals(map.get("rc"), ["1", "2"]);
  assertEquals(map.get("error"), ["a: b=c"]);
  assertEquals(map.get("unshare(CLONE_NEWUSER)"), ["EPERM 1 x"]);
  assertEquals(field(out, "rc"), "2");
  assertEquals(field(out, "missing"), null);
});

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

Deno.test("noOutput names the exit status and the start of stderr", () => {
  assertEquals(
    noOutput({ code: 127, stdout: "", stderr: "sh: perl: not found\nmore\nand more", ms: 1 }),
    "the probe script printed nothing usable (exit 127: sh: perl: not found / more)",
  );
});

Deno.test("quoting for sh and Perl", () => {
  assertEquals(shQuote("it's"), `'it'\\''s'`);
  assertEquals(perlQuote("a'b\\c"), `'a\\'b\\\\c'`);
});
