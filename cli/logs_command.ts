/**
 * `logs BOTTLE [--egress | --git | --git-gate] [--follow]`: the bundle's log, the egress
 * proxy's or the git gate's audit lines, or the gate's own log.
 */
import { readLog } from "../app/logs.ts";
import { sessionFor } from "./session.ts";

export interface LogsOptions {
  dir: string;
  egress?: boolean;
  git?: boolean;
  gitGate?: boolean;
  follow?: boolean;
}

export async function logsCommand(bottle: string, options: LogsOptions): Promise<number> {
  const log = readLog(sessionFor(options.dir), bottle, {
    kind: options.egress ? "egress" : options.git ? "git" : options.gitGate ? "git-gate" : "bundle",
    follow: options.follow,
  });
  for await (const bytes of log) Deno.stdout.writeSync(bytes);
  return 0;
}
