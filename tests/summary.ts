import { rmSync } from "node:fs";
import { parseJunit } from "./junit.ts";

export interface Summary {
  /** Tests (not their steps), as in deno test's own closing line. */
  passed: number;
  failed: number;
  /** Ignored tests. */
  skipped: number;
  /** The runner's exit status. */
  code: number;
  /** What failed, one line each: `./file_test.ts: test > step`. */
  failures: string[];
}

/**
 * Counts one `deno test` run from its JUnit report (`null`: none was written) and exit status.
 * deno leaves two kinds of failure out of the report, and they count as failed too:
 * - a module's uncaught error (`uncaught`: the modules named in `(uncaught error)` lines);
 * - a run that failed before or around its tests (a file that does not type-check, a crash):
 *   a non-zero status with nothing else failed counts as one failure.
 */
export function summarize(report: string | null, code: number, uncaught: string[] = []): Summary {
  const cases = report === null ? [] : parseJunit(report);
  const tests = cases.filter((testCase) => !testCase.step);
  const count = (status: string): number => tests.filter((t) => t.status === status).length;
  const failedCases = cases.filter((testCase) => testCase.status === "failed");
  // A test failed by its failed step is named by the step (as deno's FAILURES list does).
  const failures = failedCases
    .filter((failed) => !failedCases.some((other) => other.name.startsWith(`${failed.name} > `)))
    .map((failed) => `${failed.file}: ${failed.name}`);
  const modules = [...new Set(uncaught)];
  failures.push(...modules.map((module) => `${module}: an uncaught error (see its output above)`));
  let failed = count("failed") + modules.length;
  if (code !== 0 && failed === 0) {
    failed = 1;
    failures.push(
      report === null
        ? `deno test exited with status ${code} and wrote no report (a file that does not ` +
          "type-check? see its output above)"
        : `deno test exited with status ${code} though no test failed (see its output above)`,
    );
  } else if (code === 0 && report === null) {
    failed = 1;
    failures.push("deno test exited with status 0 but wrote no report");
  }
  return { passed: count("passed"), failed, skipped: count("skipped"), code, failures };
}

/** Adds up runs; the status is the first non-zero one. */
export function total(results: Summary[]): Summary {
  return results.reduce(
    (sum, result) => ({
      passed: sum.passed + result.passed,
      failed: sum.failed + result.failed,
      skipped: sum.skipped + result.skipped,
      code: sum.code || result.code,
      failures: [...sum.failures, ...result.failures],
    }),
    { passed: 0, failed: 0, skipped: 0, code: 0, failures: [] },
  );
}

const MAX_LINE = 64 * 1024;
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/**
 * Watches deno test's console output, chunk by chunk, for the modules it names in
 * `./file_test.ts (uncaught error)` lines: the one thing its JUnit report leaves out.
 */
export class UncaughtWatch {
  readonly modules = new Set<string>();
  #partial = "";
  /** Within a line too long to be one of those (its start was dropped). */
  #overlong = false;
  #decoder = new TextDecoder();

  push(chunk: Uint8Array): void {
    const lines = (this.#partial + this.#decoder.decode(chunk, { stream: true })).split("\n");
    this.#partial = lines.pop() ?? "";
    for (const line of lines) this.#line(line);
    if (this.#partial.length > MAX_LINE) {
      this.#partial = "";
      this.#overlong = true;
    }
  }

  end(): string[] {
    this.#line(this.#partial + this.#decoder.decode());
    this.#partial = "";
    return [...this.modules];
  }

  #line(line: string): void {
    if (this.#overlong) {
      this.#overlong = false;
      return;
    }
    const found = /^(\S.*) \(uncaught error\)$/.exec(line.replaceAll(ANSI, "").trimEnd());
    if (found) this.modules.add(found[1]);
  }
}

export interface RunOptions {
  env: Record<string, string>;
  /** Runs there with only `env` (the caller's environment is not passed on). */
  cwd?: string;
  /** The file the run's `--junit-path` names; removed first, so a stale one never counts. */
  report: string;
  /** Pass the run's output on to this process's stdout (default true). */
  echo?: boolean;
}

/** One `deno test` run: its output passed through as it comes, its counts from its report. */
export async function runTests(
  program: string,
  args: string[],
  options: RunOptions,
): Promise<Summary> {
  rmSync(options.report, { force: true });
  const child = new Deno.Command(program, {
    args,
    env: options.env,
    ...(options.cwd ? { cwd: options.cwd, clearEnv: true } : {}),
    stdout: "piped",
    stderr: options.echo === false ? "null" : "inherit",
  }).spawn();
  const uncaught = new UncaughtWatch();
  for await (const chunk of child.stdout) {
    if (options.echo !== false) await Deno.stdout.write(chunk);
    uncaught.push(chunk);
  }
  const status = await child.status;
  return summarize(readReport(options.report), status.code, uncaught.end());
}

function readReport(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}
