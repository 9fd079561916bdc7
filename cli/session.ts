import { existsSync, realpathSync } from "node:fs";
import type { Provider, ProviderContext } from "../engine/provider.ts";
import { StateStore } from "../engine/state.ts";
import { resolveStateDir } from "../engine/state_dir.ts";
import { acquireLock, type StateLock } from "../engine/lock.ts";
import { backupState } from "../engine/state_backup.ts";
import { allProviders } from "../resources/mod.ts";
import { fromCaller } from "./caller_dir.ts";
import { parseDuration } from "./duration.ts";

/** What every engine command shares: the state store, providers and provider context. */
export interface Session {
  store: StateStore;
  providers: Map<string, Provider>;
  ctx: ProviderContext;
  /** Absolute, real path of the manifest directory (the project). */
  project: string;
  /**
   * Set by `state adopt`: planning may see bottles that run without records (elsewhere
   * that is refused, since a plan from scratch would start them anew).
   */
  adopting?: boolean;
}

export function openSession(dir: string): Session {
  const stateDir = resolveStateDir();
  const absolute = fromCaller(dir);
  return {
    store: new StateStore(stateDir),
    providers: allProviders(),
    ctx: { stateDir, env: Deno.env.toObject() },
    project: existsSync(absolute) ? realpathSync(absolute) : absolute,
  };
}

/**
 * Takes the writer lock, then keeps the last good copy of the state (see backupState):
 * every writing command comes here first.
 */
export async function lockFor(
  session: Session,
  holder: string,
  timeout: string,
): Promise<StateLock> {
  const lock = await acquireLock(session.store, {
    holder,
    timeoutMs: parseDuration(timeout),
    onWait: (current) =>
      console.error(
        `waiting for the state lock held by \`${current.holder}\` (pid ${current.pid})…`,
      ),
  });
  try {
    backupState(session.store);
  } catch (error) {
    lock.release();
    throw error;
  }
  return lock;
}
