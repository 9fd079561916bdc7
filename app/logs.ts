/**
 * A bottle's logs: the sidecar bundle's log, the egress proxy's audit, or the git gate's
 * audit (JSON lines), or the git gate's own log.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { bottleDir } from "../engine/state_dir.ts";
import { sleep } from "../lib/wait.ts";
import { UserError } from "./errors.ts";
import type { Session } from "./session.ts";

export type LogKind = "bundle" | "egress" | "git" | "git-gate";

const LOG_FILES: Record<LogKind, string> = {
  bundle: "bundle.log",
  egress: "egress.jsonl",
  git: "git.jsonl",
  "git-gate": "git-gate.log",
};

export interface LogRequest {
  /** Default `bundle`. */
  kind?: LogKind;
  /** Keep reading new lines (the log may not exist yet) until `signal` aborts. */
  follow?: boolean;
  signal?: AbortSignal;
  /** How often a followed log is polled; default 250 ms. */
  pollMs?: number;
}

/** The log file of a bottle (it need not exist). */
export function logPath(session: Session, bottle: string, kind: LogKind = "bundle"): string {
  return join(bottleDir(session.ctx.stateDir, bottle), "logs", LOG_FILES[kind]);
}

/**
 * The log's bytes as they come: what is there, then (following) what is appended; a log that
 * starts over (rotated, truncated) is read again from its start. A UserError when the bottle
 * is neither applied nor has logs.
 */
export async function* readLog(
  session: Session,
  bottle: string,
  request: LogRequest = {},
): AsyncGenerator<Uint8Array> {
  const file = logPath(session, bottle, request.kind);
  if (!existsSync(file)) {
    if (!session.store.forBottle(bottle).length) {
      throw new UserError(`no bottle named "${bottle}" is applied`, "see: deno task bottle list");
    }
    if (!request.follow) return;
  }
  let offset = 0;
  const appended = (): Uint8Array | null => {
    if (!existsSync(file)) return null;
    const size = statSync(file).size;
    if (size < offset) offset = 0;
    if (size === offset) return null;
    const bytes = readFileSync(file).subarray(offset, size);
    offset = size;
    return bytes;
  };
  const first = appended();
  if (first) yield first;
  while (request.follow && !request.signal?.aborted) {
    await sleep(request.pollMs ?? 250);
    const more = appended();
    if (more) yield more;
  }
}
