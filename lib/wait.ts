/**
 * Waiting: the one sleep and the one bounded poll loop. A poll tries its probe at once, then
 * every `intervalMs` until the probe has an answer or `timeoutMs` has passed; the last try is
 * made at the deadline, so a slow start never loses the final look. `accepts` is the probe
 * for a listener that is starting.
 */

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface PollOptions {
  timeoutMs: number;
  /** Between tries (default 10 ms). */
  intervalMs?: number;
}

export interface WaitOptions extends PollOptions {
  /** What is awaited, for the timeout's message: `timed out after 500 ms waiting for WHAT`. */
  what: string;
}

/** A probe's answer: anything but `null`, `undefined` or `false` (so `0` and `""` count). */
export type Answer<T> = Exclude<T, null | undefined | false>;

/** Thrown by `waitUntil` when its probe has no answer by the deadline. */
export class WaitTimeout extends Error {
  override name = "WaitTimeout";
}

/**
 * Calls `probe` until it answers (see `Answer`) and returns the answer, or `null` when it has
 * not answered by the deadline. A probe that throws ends the wait with its error.
 */
export async function poll<T>(
  probe: () => T | Promise<T>,
  options: PollOptions,
): Promise<Answer<T> | null> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 10;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value as Answer<T>;
    const left = deadline - Date.now();
    if (left <= 0) return null;
    await sleep(Math.min(interval, left));
  }
}

/** `poll`, throwing a `WaitTimeout` naming `what` when the probe has not answered in time. */
export async function waitUntil<T>(
  probe: () => T | Promise<T>,
  options: WaitOptions,
): Promise<Answer<T>> {
  const answer = await poll(probe, options);
  if (answer === null) {
    throw new WaitTimeout(`timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
  }
  return answer;
}

/**
 * A probe for `poll`: whether a listener accepts a connection now, at a Unix socket path or a
 * TCP port on 127.0.0.1. The connection is closed at once.
 */
export async function accepts(address: string | number): Promise<boolean> {
  try {
    const conn = typeof address === "string"
      ? await Deno.connect({ transport: "unix", path: address })
      : await Deno.connect({ hostname: "127.0.0.1", port: address });
    conn.close();
    return true;
  } catch {
    return false;
  }
}
