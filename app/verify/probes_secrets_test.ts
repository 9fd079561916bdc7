import { hex as hexOf, utf8Bytes } from "../../lib/bytes.ts";
import { assertEquals, assertMatch } from "../../tests/assert.ts";
import {
  ENVIRONMENT_SCRIPT,
  judgeNotInside,
  judgePlaceholders,
  needlesOf,
  parseEnvironment,
  searchDump,
} from "./probes_secrets.ts";
import { frameScript } from "./output.ts";
import { framed, raw, TEST_NONCE } from "./testing.ts";
import type { BottleSecret } from "./types.ts";

const hex = (text: string): string => hexOf(utf8Bytes(text));
/** What ENVIRONMENT_SCRIPT prints for these variables. */
const env = (vars: Record<string, string>): string =>
  Object.entries(vars).map(([name, value]) => `${hex(name)}=${hex(value)}\n`).join("");
const out = (vars: Record<string, string>) => framed(env(vars));
const secret: BottleSecret = {
  host: "api.example.com",
  value: "sk-real-123",
  placeholder: "bb_placeholder_0123456789abcdef",
};

Deno.test("parseEnvironment: hex names and values, any byte (=, newlines) survives", () => {
  const read = parseEnvironment(out({ A: "1", B: "x=y\nPATH=/evil" }));
  assertEquals(read.ok && [...read.value], [["A", "1"], ["B", "x=y\nPATH=/evil"]]);
});

Deno.test("parseEnvironment: a repeated, non-hex or appended variable is tampering", () => {
  for (
    const stdout of [
      framed(env({ KEY: "a" }) + env({ KEY: "b" })).stdout,
      framed(`${env({ A: "1" })}KEY=plain\n`).stdout,
      framed(`${hex("KEY")}=xyz\n`).stdout,
      `${framed(env({ A: "1" })).stdout}${env({ KEY: secret.placeholder })}`,
    ]
  ) {
    const read = parseEnvironment(raw(stdout));
    assertEquals(read.ok, false, stdout);
    if (!read.ok) assertMatch(read.judgement.evidence, /^probe output was tampered with/);
  }
});

Deno.test({
  name: "the environment script prints what parseEnvironment reads",
  async fn(): Promise<void> {
    const output = await new Deno.Command("/bin/sh", {
      args: [
        "-c",
        frameScript(ENVIRONMENT_SCRIPT, TEST_NONCE),
      ],
      env: { BB_TEST_VALUE: "a=b\nc" },
      stdout: "piped",
    }).output();
    const read = parseEnvironment(raw(new TextDecoder().decode(output.stdout)));
    assertEquals(read.ok && read.value.get("BB_TEST_VALUE"), "a=b\nc");
  },
});

Deno.test("placeholders: a variable holds the placeholder and none the value", () => {
  assertEquals(judgePlaceholders(out({ KEY: secret.placeholder, PATH: "/bin" }), [secret]), {
    verdict: "PASS",
    evidence: "KEY=bb_placeholder_… (api.example.com)",
  });
  assertEquals(
    judgePlaceholders(out({ KEY: secret.placeholder, LEAK: `x${secret.value}` }), [secret]),
    { verdict: "FAIL", evidence: "LEAK hold(s) the real secret for api.example.com" },
  );
  assertEquals(judgePlaceholders(out({ PATH: "/bin" }), [secret]), {
    verdict: "FAIL",
    evidence: "no variable holds the placeholder for api.example.com",
  });
  assertEquals(judgePlaceholders(out({ PATH: "/bin" }), []).verdict, "SKIP");
  assertEquals(judgePlaceholders(framed(""), [secret]).verdict, "FAIL");
});

Deno.test("searchDump: a dump cut short or written into after its END is no search", () => {
  const dump = "\n==BB-VERIFY-SECTION /tmp/x\nsk-real-123\n\n";
  const needles = needlesOf([secret]);
  const found = searchDump(framed(dump), needles);
  assertEquals(found.ok && found.value.hits, [{ label: needles[0].label, where: "/tmp/x" }]);
  const cut = searchDump(raw(`BEGIN ${TEST_NONCE}\n==BB-VERIFY-SECTION /tmp/y\n`, 137), needles);
  assertMatch(!cut.ok ? cut.judgement.evidence : "", /did not finish \(exit 137\)/);
  const appended = searchDump(raw(`${framed(dump).stdout}x`), needles);
  assertMatch(!appended.ok ? appended.judgement.evidence : "", /^probe output was tampered/);
  // The dump's perl killed mid-way: the frame's END line says so.
  const killed = searchDump(framed("\n==BB-VERIFY-SECTION /proc/1/environ\n", 0, "", 137), needles);
  assertMatch(!killed.ok ? killed.judgement.evidence : "", /last command ended with status 137/);
  const died = searchDump(framed(dump, 0, "", 2), needles);
  assertMatch(!died.ok ? died.judgement.evidence : "", /the dump did not finish \(status 2\)/);
  const empty = searchDump(framed(""), needles);
  assertMatch(!empty.ok ? empty.judgement.evidence : "", /printed nothing usable/);
});

Deno.test("not-inside: hits fail naming where (never the value); none passes", () => {
  const needles = needlesOf([secret]);
  assertEquals(needles, [{ label: "the secret for api.example.com", value: "sk-real-123" }]);
  const hit = { label: needles[0].label, where: "/proc/7/environ" };
  const failed = judgeNotInside({ hits: [hit], searched: "x" }, 1);
  assertEquals(failed, {
    verdict: "FAIL",
    evidence: "the secret for api.example.com is in /proc/7/environ",
  });
  assertEquals(failed.evidence.includes(secret.value), false);
  assertMatch(
    judgeNotInside({ hits: [], searched: "the home (3 file(s))" }, 1).evidence,
    /^no secret \(1\) in the home/,
  );
  assertEquals(judgeNotInside({ hits: [], searched: "" }, 0).verdict, "SKIP");
});
