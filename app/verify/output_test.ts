import { assertEquals, assertMatch, assertThrows } from "../../tests/assert.ts";
import { frameScript, newNonce, readOutput, unframe } from "./output.ts";
import { framed, raw, TEST_NONCE } from "./testing.ts";
import type { ScriptResult } from "./types.ts";

const spec = { once: ["rc", "error"], lists: ["if"] };

Deno.test("readOutput: expected keys once, lists in order", () => {
  const read = readOutput(framed("rc=1\nerror=a: b=c\nif=lo\nif=eth0\n"), spec);
  if (!read.ok) throw new Error(read.judgement.evidence);
  assertEquals(read.value.get("rc"), "1");
  assertEquals(read.value.get("error"), "a: b=c");
  assertEquals(read.value.get("missing"), null);
  assertEquals(read.value.list("if"), ["lo", "eth0"]);
  assertEquals(read.value.keys(), ["rc", "error", "if"]);
  const empty = readOutput(framed(""), spec);
  assertEquals(empty.ok && empty.value.keys(), []);
});

Deno.test("readOutput: a repeated key, an unknown key or a stray line is tampering", () => {
  const cases: [string, RegExp][] = [
    ["rc=1\nrc=0\n", /rc printed more than once/],
    ["rc=1\npids=FORGED\n", /an unexpected key "pids"/],
    ["rc=1\nPASS everything\n", /an unexpected line "PASS everything"/],
    ["rc=1\n\n", /an unexpected line ""/],
    [`rc=1\nEND ${TEST_NONCE} 0\nrc=0\n`, /more than one END line/],
    [`rc=1\nEND 00ff\n`, /an unexpected line "END 00ff"/],
  ];
  for (const [body, why] of cases) {
    const read = readOutput(framed(body), spec);
    assertEquals(read.ok, false, body);
    if (!read.ok) {
      assertEquals(read.judgement.verdict, "FAIL");
      assertMatch(read.judgement.evidence, /^probe output was tampered with: /);
      assertMatch(read.judgement.evidence, why);
    }
  }
});

Deno.test("unframe: anything outside this run's frame is tampering", () => {
  const body = "rc=1\n";
  const ok = unframe(framed(body, 0, "", 1));
  assertEquals(ok.ok && ok.value, { body, status: 1 });
  const cases: [string, number, RegExp][] = [
    // Appended after the probe ended, as through /proc/PID/fd/1.
    [`${framed(body).stdout}rc=0\n`, 0, /\d+ byte\(s\) after the END line/],
    [`${framed(body).stdout}rc=0`, 0, /byte\(s\) after the END line/],
    // Before the BEGIN line, or with another run's nonce.
    [`rc=0\n${framed(body).stdout}`, 0, /does not start with this run's BEGIN line/],
    [framed(body).stdout.replaceAll(TEST_NONCE, "f".repeat(32)), 0, /BEGIN line/],
    // A whole forged output, the real one's END never printed and the script killed.
    [`BEGIN ${TEST_NONCE}\nrc=0\n`, 0, /no END line for this run/],
    [framed(body).stdout, 137, /printed its END line but exited 137/],
    [`BEGIN ${TEST_NONCE}\nrc=1END ${TEST_NONCE} 0\n`, 0, /END line is not a line of its own/],
    [`BEGIN ${TEST_NONCE}\nrc=1\nEND ${TEST_NONCE}\n`, 0, /END line is not a line of its own/],
    // The real END line, then a forged one appended with the nonce read from /proc.
    [`${framed(body, 0, "", 137).stdout}rc=0\nEND ${TEST_NONCE} 0\n`, 0, /more than one END/],
    [`${framed(body).stdout}BEGIN ${TEST_NONCE}\n`, 0, /a second BEGIN line/],
  ];
  for (const [stdout, code, why] of cases) {
    const read = unframe(raw(stdout, code));
    assertEquals(read.ok, false, stdout);
    if (!read.ok) assertMatch(read.judgement.evidence, why);
  }
});

Deno.test("unframe: no output, or a script that did not finish, is a FAIL with its status", () => {
  const none = unframe(raw("", 127, "sh: perl: not found"));
  assertEquals(!none.ok && none.judgement, {
    verdict: "FAIL",
    evidence: "the probe script printed nothing usable (exit 127: sh: perl: not found)",
  });
  const killed = unframe(raw(`BEGIN ${TEST_NONCE}\nrc=1\n`, 137));
  assertEquals(
    !killed.ok && killed.judgement.evidence,
    "the probe script did not finish (exit 137)",
  );
});

Deno.test("frameScript: BEGIN first, the script in the same shell, END last", () => {
  const nonce = newNonce();
  assertMatch(nonce, /^[0-9a-f]{32}$/);
  const script = frameScript("echo rc=1", nonce);
  assertEquals(
    script,
    `printf 'BEGIN %s\\n' ${nonce}\n{\necho rc=1\n}\nprintf 'END %s %s\\n' ${nonce} "$?"`,
  );
  assertMatch(frameScript("  ", nonce), /\{\n:\n\}/);
  assertThrows(() => frameScript("true", "x; rm -rf /"), /not a nonce/);
});

Deno.test({
  name: "frameScript: the framed script's output reads back through /bin/sh",
  async fn(): Promise<void> {
    const nonce = newNonce();
    const run = async (script: string): Promise<ScriptResult> => {
      const output = await new Deno.Command("/bin/sh", {
        args: ["-c", frameScript(script, nonce)],
        stdout: "piped",
      }).output();
      const stdout = new TextDecoder().decode(output.stdout);
      return { code: output.code, stdout, stderr: "", ms: 1, nonce };
    };
    const read = readOutput(await run("echo rc=1; echo if=lo"), spec);
    assertEquals(read.ok && [read.value.get("rc"), read.value.list("if")], ["1", ["lo"]]);
    const status = unframe(await run("echo rc=1; false"));
    assertEquals(status.ok && status.value.status, 1);
    const killed = unframe(await run("echo rc=1; sh -c 'kill -9 $$'"));
    assertMatch(!killed.ok ? killed.judgement.evidence : "", /status 137/);
  },
});
