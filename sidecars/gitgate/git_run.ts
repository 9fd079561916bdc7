/** Running one git command, bounded in time and output, with an environment built for it. */

export interface GitRun {
  env: Record<string, string>;
  timeoutMs: number;
  stdin?: string;
  /** Output bytes kept per stream (the rest is dropped and `truncated` set). */
  maxOutput?: number;
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  truncated: boolean;
}

async function collect(
  stream: ReadableStream<Uint8Array>,
  max: number,
): Promise<[string, boolean]> {
  const parts: Uint8Array[] = [];
  let kept = 0;
  let truncated = false;
  for await (const chunk of stream) {
    if (kept >= max) {
      truncated = true;
      continue;
    }
    const part = chunk.length > max - kept ? chunk.subarray(0, max - kept) : chunk;
    truncated ||= part.length < chunk.length;
    parts.push(part);
    kept += part.length;
  }
  const all = new Uint8Array(kept);
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return [new TextDecoder().decode(all), truncated];
}

export async function runGit(args: string[], run: GitRun): Promise<GitResult> {
  const timeout = AbortSignal.timeout(run.timeoutMs);
  const child = new Deno.Command("git", {
    args,
    env: run.env,
    clearEnv: true,
    stdin: run.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    signal: timeout,
  }).spawn();
  const max = run.maxOutput ?? 4 << 20;
  const writing = run.stdin === undefined ? Promise.resolve() : (async () => {
    const writer = child.stdin.getWriter();
    try {
      await writer.write(new TextEncoder().encode(run.stdin));
      await writer.close();
    } catch {
      // The command ended without reading all of it; its exit status tells.
    }
  })();
  const [[stdout, cutOut], [stderr, cutErr], status] = await Promise.all([
    collect(child.stdout, max),
    collect(child.stderr, max),
    child.status,
    writing,
  ]);
  return {
    code: status.code,
    stdout,
    stderr,
    timedOut: timeout.aborted,
    truncated: cutOut || cutErr,
  };
}

/** A one-line summary of a failed run's stderr, for messages. */
export function failure(result: GitResult, what: string): string {
  if (result.timedOut) return `${what} timed out`;
  const lines = result.stderr.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  return `${what} failed (exit ${result.code})${
    lines.length > 0 ? `: ${lines.slice(-6).join("; ")}` : ""
  }`;
}
