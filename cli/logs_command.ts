/** `logs BOTTLE [--egress] [--follow]`: the bundle's log or the egress proxy's audit lines. */
import { readLog } from "../app/logs.ts";
import { sessionFor } from "./session.ts";

export interface LogsOptions {
  dir: string;
  egress?: boolean;
  follow?: boolean;
}

export async function logsCommand(bottle: string, options: LogsOptions): Promise<number> {
  const log = readLog(sessionFor(options.dir), bottle, {
    kind: options.egress ? "egress" : "bundle",
    follow: options.follow,
  });
  for await (const bytes of log) Deno.stdout.writeSync(bytes);
  return 0;
}
