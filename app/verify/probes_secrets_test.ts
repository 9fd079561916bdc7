import { assertEquals, assertMatch } from "../../tests/assert.ts";
import { judgeNotInside, judgePlaceholders, needlesOf, parseEnv } from "./probes_secrets.ts";
import type { BottleSecret, ScriptResult } from "./types.ts";

const out = (stdout: string, code = 0): ScriptResult => ({ code, stdout, stderr: "", ms: 10 });
const secret: BottleSecret = {
  host: "api.example.com",
  value: "sk-real-123",
  placeholder: "bb_placeholder_0123456789abcdef",
};

Deno.test("parseEnv: NAME=VALUE lines, values may hold =", () => {
  assertEquals([...parseEnv("A=1\nB=x=y\n not a var\n")], [["A", "1"], ["B", "x=y"]]);
});

Deno.test("placeholders: a variable holds the placeholder and none the value", () => {
  assertEquals(judgePlaceholders(out(`KEY=${secret.placeholder}\nPATH=/bin\n`), [secret]), {
    verdict: "PASS",
    evidence: "KEY=bb_placeholder_… (api.example.com)",
  });
  assertEquals(
    judgePlaceholders(out(`KEY=${secret.placeholder}\nLEAK=x${secret.value}\n`), [secret]),
    { verdict: "FAIL", evidence: "LEAK hold(s) the real secret for api.example.com" },
  );
  assertEquals(judgePlaceholders(out("PATH=/bin\n"), [secret]), {
    verdict: "FAIL",
    evidence: "no variable holds the placeholder for api.example.com",
  });
  assertEquals(judgePlaceholders(out("PATH=/bin\n"), []).verdict, "SKIP");
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
