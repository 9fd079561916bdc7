import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** This checkout's top directory, where deno.json is. */
const CHECKOUT = resolve(fileURLToPath(new URL("../", import.meta.url)));

/**
 * The directory the operator ran the command from. `deno task` runs its tasks in the checkout
 * and leaves the caller's directory in `INIT_CWD`; that is used only while the process is still
 * in the checkout, since a stale `INIT_CWD` is inherited by anything a task starts.
 */
export function callerDir(
  cwd: string = Deno.cwd(),
  initCwd: string | undefined = Deno.env.get("INIT_CWD"),
  checkout: string = CHECKOUT,
): string {
  return initCwd && resolve(cwd) === checkout ? resolve(initCwd) : cwd;
}

/** A path the operator typed, resolved against the directory they ran the command from. */
export function fromCaller(path: string): string {
  return resolve(callerDir(), path);
}
