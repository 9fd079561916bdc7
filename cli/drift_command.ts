/** `drift`: refresh-only; compares live objects with recorded state; exit 2 on drift. */
import { drift } from "../app/drift.ts";
import { renderDrift } from "../engine/drift.ts";
import { printEvent } from "./render.ts";
import { sessionFor } from "./session.ts";

export interface DriftOptions {
  dir: string;
  json?: boolean;
  all?: boolean;
  /** `--lock-timeout`: how long to wait for an apply or destroy in progress. */
  lockTimeout?: string;
}

export async function driftCommand(options: DriftOptions): Promise<number> {
  const report = await drift(sessionFor(options.dir), {
    all: options.all,
    lockTimeout: options.lockTimeout,
    onEvent: printEvent,
  });
  if (options.json) {
    console.log(JSON.stringify({ drifted: report.drifted, items: report.items }, null, 2));
  } else console.log(renderDrift(report.items));
  return report.drifted ? 2 : 0;
}
