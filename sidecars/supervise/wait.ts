/**
 * Waiting for something another process changes (a request's row, a policy file): poll a
 * cheap read every `pollMs` until it answers, the time is up or the caller goes away. No
 * lock or transaction is held between reads.
 */

/** Resolves after `ms`, or at once (false) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (slept: boolean): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", aborted);
      resolve(slept);
    };
    const aborted = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener("abort", aborted, { once: true });
  });
}

/**
 * Calls `read` until it returns a value other than undefined, `ms` have passed, or `signal`
 * aborts; the last value read (undefined when none came).
 */
export async function pollFor<T>(
  read: () => T | undefined,
  ms: number,
  pollMs: number,
  signal?: AbortSignal,
): Promise<T | undefined> {
  const deadline = performance.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    const left = deadline - performance.now();
    if (left <= 0) return undefined;
    if (!await sleep(Math.min(pollMs, left), signal)) return undefined;
  }
}
