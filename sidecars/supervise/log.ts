/** The sidecar's logs: one JSON line per event in `supervise.log`, lifecycle lines on stderr. */

import { join } from "node:path";

export const SUPERVISE_LOG = "supervise.log";
export const NOTIFY_LOG = "supervise-notify.log";

/** A line on stderr (the bundle log), timestamped. */
export function logLine(line: string): void {
  console.error(`${new Date().toISOString()} supervise: ${line}`);
}

/** Appends `entry` as one JSON line to `logDir/name`; a failure goes to stderr, never up. */
export function appendJsonLine(logDir: string, name: string, entry: Record<string, unknown>): void {
  try {
    Deno.writeTextFileSync(join(logDir, name), `${JSON.stringify(entry)}\n`, { append: true });
  } catch (error) {
    logLine(`cannot write ${name}: ${(error as Error).message}`);
  }
}
