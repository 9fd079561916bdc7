import { poll } from "../lib/wait.ts";

/**
 * A file's content once it is non-empty (and equals `expected`, if given), waiting up to
 * `timeoutMs`; else what it last held ("" if it never existed).
 */
export async function waitForFile(
  path: string,
  expected?: string,
  timeoutMs = 10_000,
): Promise<string> {
  let content = "";
  await poll(async () => {
    try {
      content = await Deno.readTextFile(path);
    } catch {
      return false; // not yet written
    }
    return content !== "" && (expected === undefined || content === expected);
  }, { timeoutMs, intervalMs: 20 });
  return content;
}
