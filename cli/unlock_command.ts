/** `force-unlock`: remove the state lock (only when its holder is gone). */
import { removeStateLock } from "../app/state.ts";
import { sessionFor } from "./session.ts";

export function forceUnlockCommand(options: { dir: string }): number {
  const holder = removeStateLock(sessionFor(options.dir));
  if (!holder) console.log("The state was not locked.");
  else {
    console.log(
      `Removed the lock held by \`${holder.holder}\` (pid ${holder.pid} on ${holder.host}).`,
    );
  }
  return 0;
}
