import { openSession, type Session } from "../app/session.ts";
import { callerDir } from "./caller_dir.ts";

/** The session of `--dir`, resolved from the directory the operator ran the command in. */
export function sessionFor(dir: string): Session {
  return openSession({ dir, cwd: callerDir() });
}
