/**
 * `deno task test`: runs every test (unit, integration with real bwrap, escape suite) and
 * ends with one plain line `N passed, N failed, N skipped` for CI to read.
 *
 * Run as root (as CI is), it then runs the isolation tests a second time as an ordinary
 * user, `bbtester` (created when missing), from a copy of the checkout that user owns: every
 * isolation property must hold for both kinds of operator. Then the lifecycle, isolation, git
 * gate, attach and agent tests run a third time with their bottles on docker
 * (DOCKER_SUITE). The closing line counts every run.
 *
 * The console shows deno test's own output as it comes; the counts come from the JUnit report
 * each run writes (`--junit-path`), and the failures of both runs are listed again at the end.
 */
import { rmSync } from "node:fs";
import { runAsUser, USER_SUITE, userTmp } from "./as_user.ts";
import { runTests, type Summary, total } from "./summary.ts";
import { TEST_BACKEND_ENV } from "./integration/harness.ts";

/** What runs again with every bottle on docker: the tests written for bwrap. */
const DOCKER_SUITE: readonly string[] = [
  "tests/integration/lifecycle_test.ts",
  "tests/integration/door_test.ts",
  "tests/integration/isolation_test.ts",
  "tests/integration/workspace_test.ts",
  "tests/integration/verify_test.ts",
  "tests/integration/git_gate_test.ts",
  "tests/integration/claude_test.ts",
  "tests/integration/claude_git_gate_test.ts",
  "tests/integration/claude_attach_test.ts",
  "tests/integration/codex_test.ts",
  "tests/integration/attach_test.ts",
];

// Every test's scratch (worlds, agent CLI installs) goes under one short-named directory that
// goes when the run ends; short, because Unix socket paths under it are limited to 107 bytes.
const scratch = shortTempDir();
const results: Summary[] = [];
try {
  const report = `${scratch}/junit.xml`;
  results.push(
    await runTests(
      Deno.execPath(),
      ["test", "-A", "--no-prompt", `--junit-path=${report}`, ...Deno.args],
      { env: { TMPDIR: scratch }, report },
    ),
  );
  if (Deno.uid() === 0 && Deno.args.length === 0) {
    console.log(`\n== the isolation tests again, as an ordinary user: ${USER_SUITE.join(" ")}`);
    const command = await runAsUser(scratch);
    results.push(
      await runTests(command.program, command.args, {
        env: command.env,
        cwd: command.cwd,
        report: command.report,
      }),
    );
    console.log(`\n== the same tests with their bottles on docker: ${DOCKER_SUITE.join(" ")}`);
    const dockerReport = `${scratch}/junit-docker.xml`;
    results.push(
      await runTests(
        Deno.execPath(),
        ["test", "-A", "--no-prompt", `--junit-path=${dockerReport}`, ...DOCKER_SUITE],
        { env: { TMPDIR: scratch, [TEST_BACKEND_ENV]: "docker" }, report: dockerReport },
      ),
    );
  }
} finally {
  for (const dir of [scratch, userTmp(scratch)]) rmSync(dir, { recursive: true, force: true });
}

const sum = total(results);
if (sum.failures.length > 0) {
  console.log(`\n== failed (${sum.failures.length}):`);
  for (const failure of sum.failures) console.log(`  ${failure}`);
}
console.log(`\n${sum.passed} passed, ${sum.failed} failed, ${sum.skipped} skipped`);
Deno.exit(sum.code !== 0 ? sum.code : sum.failed > 0 ? 1 : 0);

/** `/tmp/bbt-XXXXXX`, 0755 (the second run's user passes through it). */
function shortTempDir(): string {
  for (;;) {
    const name = `/tmp/bbt-${crypto.randomUUID().slice(0, 6)}`;
    try {
      Deno.mkdirSync(name, { mode: 0o700 });
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists) continue;
      throw error;
    }
    Deno.chmodSync(name, 0o755);
    return name;
  }
}
