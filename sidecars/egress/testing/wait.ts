/** Waiting in tests, bounded: a promise with a deadline, and polling until a check holds. */
import { waitUntil } from "../../../lib/wait.ts";

export const TEST_TIMEOUT_MS = 10_000;

export async function withTimeout<T>(
  promise: Promise<T>,
  what: string,
  ms = TEST_TIMEOUT_MS,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every 10 ms until it returns true; fails after `ms` (lib/wait.ts). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = TEST_TIMEOUT_MS,
): Promise<void> {
  await waitUntil(check, { timeoutMs: ms, what });
}
