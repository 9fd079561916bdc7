/**
 * Telling the operator of a new request: the configured command gets the request as JSON on
 * stdin (agent-written text goes nowhere else; argv and the environment carry only the
 * request's id, bottle, agent and kind). It runs detached from the tool call, is killed
 * after NOTIFY_TIMEOUT_MS, and its output is appended to `supervise-notify.log`; a failure
 * is logged, never fatal.
 */

import type { NotifyCommand, SuperviseRequest } from "./wire.ts";

export const NOTIFY_TIMEOUT_MS = 10_000;
/** The most output kept per run (the rest is dropped, and the log says so). */
const MAX_OUTPUT = 64 * 1024;
/** How long output is still read after the command exited (its own children may hold it). */
const DRAIN_MS = 500;

export interface NotifyResult {
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  output: string;
}

function commandFor(notify: NotifyCommand): { program: string; args: string[] } {
  return "argv" in notify
    ? { program: notify.argv[0], args: notify.argv.slice(1) }
    : { program: "/bin/sh", args: ["-c", notify.shell] };
}

/** Reads `stream` into `into` (within `budget`) until it ends or `stop` resolves. */
async function collect(
  stream: ReadableStream<Uint8Array>,
  into: Uint8Array[],
  budget: { left: number },
  stop: Promise<void>,
): Promise<void> {
  const reader = stream.getReader();
  const stopped = stop.then(() => ({ done: true as const, value: undefined }));
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), stopped]);
      if (done) return;
      const kept = value.subarray(0, budget.left);
      into.push(kept);
      budget.left -= kept.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Runs the notify command for `request`; never throws. */
export async function runNotify(
  notify: NotifyCommand,
  request: SuperviseRequest,
  timeoutMs = NOTIFY_TIMEOUT_MS,
): Promise<NotifyResult> {
  const { program, args } = commandFor(notify);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program, {
      args,
      env: {
        BOT_BOTTLE_REQUEST_ID: String(request.id),
        BOT_BOTTLE_BOTTLE: request.bottle,
        BOT_BOTTLE_AGENT: request.agent,
        BOT_BOTTLE_KIND: request.kind,
      },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    return { code: null, signal: null, timedOut: false, output: (error as Error).message };
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }, timeoutMs);
  const chunks: Uint8Array[] = [];
  const budget = { left: MAX_OUTPUT };
  const drained = Promise.withResolvers<void>();
  const reading = Promise.all([
    collect(child.stdout, chunks, budget, drained.promise),
    collect(child.stderr, chunks, budget, drained.promise),
  ]).catch(() => {});
  const writing = (async () => {
    const writer = child.stdin.getWriter();
    try {
      await writer.write(new TextEncoder().encode(`${JSON.stringify(request)}\n`));
      await writer.close();
    } catch {
      // the command did not read its stdin
    }
  })();
  const status = await child.status;
  clearTimeout(timer);
  // The command's own children may keep its output open: read on a little, then stop.
  const drainTimer = setTimeout(() => drained.resolve(), DRAIN_MS);
  await Promise.all([reading, writing]);
  clearTimeout(drainTimer);
  drained.resolve();
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  const dropped = budget.left === 0 ? "\n(output cut off)" : "";
  return {
    code: status.code,
    signal: status.signal,
    timedOut,
    output: new TextDecoder().decode(bytes) + dropped,
  };
}
