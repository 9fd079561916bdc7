/**
 * `deno task test`: runs every test (unit, integration with real bwrap, escape suite) and
 * ends with one plain line `N passed, N failed, N skipped` for CI to read.
 *
 * Run as root (as CI is), it then runs the isolation tests a second time as an ordinary
 * user, `bbtester` (created when missing), from a copy of the checkout that user owns: every
 * isolation property must hold for both kinds of operator. The closing line counts both runs.
 */
import { rmSync } from "node:fs";
import { runAsUser, USER_SUITE, userTmp } from "./as_user.ts";
import { summarize, type Summary } from "./summary.ts";

// Every test's scratch (worlds, agent CLI installs) goes under one short-named directory that
// goes when the run ends; short, because Unix socket paths under it are limited to 107 bytes.
const scratch = shortTempDir();
const results: Summary[] = [];
try {
  results.push(
    await runTests(Deno.execPath(), ["test", "-A", "--no-prompt", ...Deno.args], {
      env: { TMPDIR: scratch },
    }),
  );
  if (Deno.uid() === 0 && Deno.args.length === 0) {
    console.log(`\n== the isolation tests again, as an ordinary user: ${USER_SUITE.join(" ")}`);
    const command = await runAsUser(scratch);
    results.push(
      await runTests(command.program, command.args, { env: command.env, cwd: command.cwd }),
    );
  }
} finally {
  for (const dir of [scratch, userTmp(scratch)]) rmSync(dir, { recursive: true, force: true });
}

const total = results.reduce(
  (sum, result) => ({
    passed: sum.passed + result.passed,
    failed: sum.failed + result.failed,
    skipped: sum.skipped + result.skipped,
    code: sum.code || result.code,
  }),
  { passed: 0, failed: 0, skipped: 0, code: 0 },
);
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
Deno.exit(total.code);

async function runTests(
  program: string,
  args: string[],
  options: { env: Record<string, string>; cwd?: string },
): Promise<Summary> {
  const child = new Deno.Command(program, {
    args,
    env: options.env,
    ...(options.cwd ? { cwd: options.cwd, clearEnv: true } : {}),
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let tail = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    tail = (tail + decoder.decode(chunk, { stream: true })).slice(-4096);
  }
  const status = await child.status;
  return summarize(tail, status.code);
}

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
