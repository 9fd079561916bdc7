import { existsSync, realpathSync } from "node:fs";
import type { Provider, ProviderContext } from "../engine/provider.ts";
import { StateStore } from "../engine/state.ts";
import { resolveStateDir } from "../engine/state_dir.ts";
import { acquireLock, type StateLock } from "../engine/lock.ts";
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

export function lockFor(session: Session, holder: string, timeout: string): Promise<StateLock> {
  return acquireLock(session.store, {
    holder,
    timeoutMs: parseDuration(timeout),
    onWait: (current) =>
      console.error(
        `waiting for the state lock held by \`${current.holder}\` (pid ${current.pid})…`,
      ),
  });
}
