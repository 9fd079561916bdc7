/** Running timed child processes, and finding the ones a benchmark world left behind. */
import { readdirSync, readFileSync } from "node:fs";
import { poll } from "../../lib/wait.ts";

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Kill the child (SIGKILL) after this long. */
  timeoutMs: number;
}

export interface RunResult {
  /** Wall-clock time from spawn to exit, as seen by `performance.now()`. */
  ms: number;
  code: number;
  signal: Deno.Signal | null;
  ok: boolean;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

const decoder = new TextDecoder();

/**
 * Runs `cmd args…` to completion with stdin closed and output captured, timing
 * `new Deno.Command(…).output()` with `performance.now()`. Never throws for a command
 * that ran; a command that cannot be spawned at all (not found) is reported as code 127.
 */
export async function timedRun(
  cmd: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  try {
    const command = new Deno.Command(cmd, {
      args: [...args],
      cwd: options.cwd,
      env: options.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: controller.signal,
    });
    const start = performance.now();
    const output = await command.output();
    const ms = performance.now() - start;
    return {
      ms,
      code: output.code,
      signal: output.signal,
      ok: output.success && !timedOut,
      timedOut,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  } catch (error) {
    return {
      ms: NaN,
      code: 127,
      signal: null,
      ok: false,
      timedOut,
      stdout: "",
      stderr: `cannot run ${cmd}: ${error instanceof Error ? error.message : String(error)}`,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** A one-line reason for a failed run: its last meaningful stderr (or stdout) line. */
export function failureReason(result: RunResult): string {
  if (result.timedOut) return "timed out";
  const strip = (text: string): string[] =>
    // deno-lint-ignore no-control-regex
    text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").split("\n").map((l) => l.trim()).filter((l) =>
      l.length > 0 && !/^at /.test(l) && !/^npm warn/i.test(l)
    );
  const lines = [...strip(result.stderr), ...strip(result.stdout)];
  const error = lines.find((l) => /\b(error|failed|fatal|panic)\b/i.test(l)) ??
    strip(result.stderr).at(-1) ?? lines.at(-1);
  const what = result.signal ? `killed by ${result.signal}` : `exit ${result.code}`;
  return error ? `${what}: ${error.slice(0, 160)}` : what;
}

/**
 * Live, non-zombie pids (other than this process) that belong to a benchmark world whose
 * unique temporary state dir is `marker`: those whose command line, environment or mount
 * table names it (sidecars inherit `BOT_BOTTLE_STATE_DIR`; a bwrap sandbox's processes have
 * the world's directories bind-mounted), plus the outer `bwrap` parent of such a sandbox.
 */
export function processesMentioning(marker: string): number[] {
  const pids = new Set<number>();
  const read = (pid: string, file: string): string => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, "utf8");
    } catch {
      return ""; // gone, or not ours to read
    }
  };
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === Deno.pid) continue;
    const stat = read(entry, "stat");
    const tail = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (!stat || tail[0] === "Z" || tail[0] === "X") continue;
    if (
      read(entry, "cmdline").includes(marker) || read(entry, "environ").includes(marker) ||
      read(entry, "mountinfo").includes(marker)
    ) {
      pids.add(Number(entry));
      const parent = tail[1];
      if (read(parent, "comm").trim() === "bwrap") pids.add(Number(parent));
    }
  }
  return [...pids];
}

/**
 * Ends the processes that mention `marker` (SIGTERM, then SIGKILL after a grace period).
 * Returns how many there were.
 */
export async function reap(marker: string, graceMs = 2000): Promise<number> {
  const found = processesMentioning(marker);
  if (found.length === 0) return 0;
  for (const pid of found) signal(pid, "SIGTERM");
  await poll(() => processesMentioning(marker).length === 0, {
    timeoutMs: graceMs,
    intervalMs: 50,
  });
  for (const pid of processesMentioning(marker)) signal(pid, "SIGKILL");
  return found.length;
}

function signal(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** The first PATH entry holding an executable `name`, or null. */
export function which(name: string, path = Deno.env.get("PATH") ?? ""): string | null {
  for (const dir of path.split(":")) {
    if (!dir) continue;
    const candidate = `${dir}/${name}`;
    try {
      const info = Deno.statSync(candidate);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Host pids of the sandbox init processes of a benchmark world: `bwrap` processes whose
 * parent is a `bwrap` and whose mount table names `marker` (the inner bwrap that is pid 1
 * of a bwrap sandbox's namespaces). Empty for backends that are not bwrap.
 */
export function bwrapSandboxInits(marker: string): number[] {
  const comm = (pid: number | string): string => {
    try {
      return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
      return "";
    }
  };
  return processesMentioning(marker).filter((pid) => {
    if (comm(pid) !== "bwrap") return false;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const parent = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1];
      return comm(parent) === "bwrap" &&
        readFileSync(`/proc/${pid}/mountinfo`, "utf8").includes(marker);
    } catch {
      return false;
    }
  });
}
