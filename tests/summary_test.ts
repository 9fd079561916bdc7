import { assert_, assertEquals } from "./assert.ts";
import { parseJunit, unescapeXml } from "./junit.ts";
import { runTests, summarize, total, UncaughtWatch } from "./summary.ts";

/** What deno 2.9.6 writes for a run with a pass, a failure, an ignored test and steps. */
const REPORT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="deno test" tests="8" failures="3" errors="0" time="1.089">
    <testsuite name="./a_test.ts" tests="7" disabled="2" errors="0" failures="3">
        <testcase name="passes" classname="./a_test.ts" time="0.001" line="1" col="6">
        </testcase>
        <testcase name="fails" classname="./a_test.ts" time="0.001" line="2" col="6">
            <failure message="Uncaught Error: boom &lt;&amp;&gt;">Error: boom &lt;&amp;&gt;
Deno.test(&quot;fails&quot;, () =&gt; { throw new Error(&quot;boom&quot;); });</failure>
        </testcase>
        <testcase name="ignored" classname="./a_test.ts" time="0.000" line="3" col="6">
            <skipped/>
        </testcase>
        <testcase name="steps" classname="./a_test.ts" time="0.002" line="4" col="6">
            <failure message="1 test step failed">1 test step failed.</failure>
        </testcase>
        <testcase name="steps &gt; s1" classname="./a_test.ts" time="0.000" line="5" col="11">
        </testcase>
        <testcase name="steps &gt; s2" classname="./a_test.ts" time="0.000" line="6" col="11">
            <failure message="Uncaught Error: step fail">Error: step fail</failure>
        </testcase>
        <testcase name="steps &gt; s3" classname="./a_test.ts" time="0.000" line="7" col="11">
            <skipped/>
        </testcase>
    </testsuite>
    <testsuite name="./b_test.ts" tests="2" disabled="0" errors="1" failures="0">
        <testcase name="a &gt; b" classname="./b_test.ts" time="0.003" line="1" col="6">
        </testcase>
        <testcase name="cancelled" classname="./b_test.ts" time="0.000" line="2" col="6">
            <error message="Cancelled"/>
        </testcase>
    </testsuite>
    <testsuite name="./helper.ts" tests="1" disabled="0" errors="0" failures="0">
        <testcase name="steps &gt; from a helper" classname="./helper.ts" time="0.003" line="9" col="6">
        </testcase>
    </testsuite>
</testsuites>
`;

Deno.test("junit: cases with file, status and step-ness; entities decoded", () => {
  const cases = parseJunit(REPORT);
  assertEquals(
    cases.map((c) => [c.file, c.name, c.status, c.step]),
    [
      ["./a_test.ts", "passes", "passed", false],
      ["./a_test.ts", "fails", "failed", false],
      ["./a_test.ts", "ignored", "skipped", false],
      ["./a_test.ts", "steps", "failed", false],
      ["./a_test.ts", "steps > s1", "passed", true],
      ["./a_test.ts", "steps > s2", "failed", true],
      ["./a_test.ts", "steps > s3", "skipped", true],
      // No test "a": a name with " > " in it, not a step.
      ["./b_test.ts", "a > b", "passed", false],
      ["./b_test.ts", "cancelled", "failed", false],
      // A step filed under the helper module that calls t.step.
      ["./helper.ts", "steps > from a helper", "passed", true],
    ],
  );
  assertEquals(cases[1].message, "Uncaught Error: boom <&>");
  assertEquals(unescapeXml("&#65;&#x42;&quot;&apos;&bogus;"), `AB"'&bogus;`);
});

Deno.test("summary: tests counted as deno counts them (steps not), ignored as skipped", () => {
  assertEquals(summarize(REPORT, 1), {
    passed: 2,
    failed: 3,
    skipped: 1,
    code: 1,
    failures: ["./a_test.ts: fails", "./a_test.ts: steps > s2", "./b_test.ts: cancelled"],
  });
});

Deno.test("summary: what the report leaves out still fails the run", () => {
  const uncaught = summarize(REPORT, 1, ["./c_test.ts", "./c_test.ts"]);
  assertEquals(uncaught.failed, 4);
  assertEquals(uncaught.failures.at(-1), "./c_test.ts: an uncaught error (see its output above)");
  const noReport = summarize(null, 1);
  assertEquals([noReport.passed, noReport.failed, noReport.code], [0, 1, 1]);
  assertEquals(summarize(null, 0).failed, 1, "no report at all is a failure");
  const empty = `<testsuites name="deno test" tests="0"></testsuites>`;
  assertEquals(summarize(empty, 0).failed, 0);
  assertEquals(summarize(empty, 2).failed, 1, "a failing status with nothing failed");
  const sum = total([summarize(REPORT, 0), noReport]);
  assertEquals([sum.passed, sum.failed, sum.skipped, sum.code], [2, 4, 1, 1]);
});

Deno.test("summary: uncaught-error lines found across chunks, colours and all", () => {
  const watch = new UncaughtWatch();
  const bytes = new TextEncoder().encode(
    "ok\n\x1b[0m./x_test.ts (uncaught error)\x1b[0m\nerror: boom\n FAILURES \n./x_test.ts (uncaught" +
      " error)\n  ./indented (uncaught error)\n./y_test.ts (uncaught error)",
  );
  for (let i = 0; i < bytes.length; i += 7) watch.push(bytes.subarray(i, i + 7));
  assertEquals(watch.end(), ["./x_test.ts", "./y_test.ts"]);
});

Deno.test("summary: a real deno test run: failure, ignored, steps, uncaught error, type error", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "bb-summary-" });
  try {
    Deno.writeTextFileSync(
      `${dir}/a_test.ts`,
      `Deno.test("passes", () => {});
Deno.test("fails", () => { throw new Error("no"); });
Deno.test({ name: "ignored", ignore: true, fn: () => {} });
Deno.test("steps", async (t) => {
  await t.step("one", () => {});
  await t.step({ name: "two", ignore: true, fn: () => {} });
});
`,
    );
    Deno.writeTextFileSync(
      `${dir}/b_test.ts`,
      `Deno.test("dangling", () => { Promise.reject(new Error("dangling")); });\n`,
    );
    Deno.writeTextFileSync(
      `${dir}/c_test.ts`,
      `const n: number = "no";\nDeno.test("c", () => {});\n`,
    );
    const run = (argv: string[]): ReturnType<typeof runTests> =>
      runTests(
        Deno.execPath(),
        ["test", "--no-config", "-A", `--junit-path=${dir}/junit.xml`, ...argv],
        { env: Deno.env.toObject(), cwd: dir, report: `${dir}/junit.xml`, echo: false },
      );
    const ran = await run(["--no-check", "a_test.ts", "b_test.ts"]);
    // As deno's closing line counts them: the test with the dangling promise is cancelled, and
    // its module's uncaught error is one more failure.
    assertEquals([ran.passed, ran.failed, ran.skipped], [2, 3, 1]);
    assert_(ran.code !== 0);
    assertEquals(ran.failures, [
      "./a_test.ts: fails",
      "./b_test.ts: dangling",
      "./b_test.ts: an uncaught error (see its output above)",
    ]);
    const typeError = await run(["a_test.ts", "c_test.ts"]);
    assertEquals([typeError.passed, typeError.failed, typeError.skipped], [0, 1, 0]);
    assert_(typeError.code !== 0);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
