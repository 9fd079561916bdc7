/**
 * Loads the DLP engine (`dlp/mod.ts`, `createDlpEngine`) for the daemon. When it cannot
 * be loaded the proxy fails closed: every inspected request is blocked, saying why, while
 * passthrough tunnels keep working.
 */

import type { DlpEngine, DlpFinding } from "./dlp/mod.ts";
import { DLP_UNAVAILABLE_RULE } from "./inspect/mod.ts";
import type { DlpFactory } from "./proxy.ts";

export type LoadedDlp = { ok: true; factory: DlpFactory } | { ok: false; reason: string };

export async function loadDlpFactory(): Promise<LoadedDlp> {
  try {
    const { createDlpEngine } = await import("./dlp/mod.ts");
    return { ok: true, factory: createDlpEngine };
  } catch (error) {
    return { ok: false, reason: `cannot load the DLP engine: ${(error as Error).message}` };
  }
}

/** An engine that blocks every request at its URL with `reason`. */
export function unavailableDlp(reason: string): DlpFactory {
  const finding: DlpFinding = {
    rule: DLP_UNAVAILABLE_RULE,
    action: "block",
    where: "url",
    detail: `the proxy cannot scan requests (${reason}), so it sends none`,
  };
  const engine: DlpEngine = {
    scanUrl: () => [finding],
    scanHeaders: () => [],
    scanBody: () => ({ push: () => [], safeBytes: 0, end: () => [] }),
  };
  return () => engine;
}
