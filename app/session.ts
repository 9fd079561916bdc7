/**
 * A session: one project (a manifest directory) against one state directory, with the
 * providers and backends the operations use. Every operation of the application layer takes
 * one; a program opens it with openSession and closes it when done.
 */
import { existsSync, realpathSync } from "node:fs";
import { resolve } from "node:path";
import type { Provider, ProviderContext } from "../engine/provider.ts";
import { StateStore } from "../engine/state.ts";
import { resolveStateDir } from "../engine/state_dir.ts";
import { getBackend } from "../backends/mod.ts";
import { allProviders } from "../resources/mod.ts";
import type { BackendLookup } from "./backends.ts";
import { UserError } from "./errors.ts";
import { QUEUE_SCHEMA } from "../sidecars/supervise/queue.ts";

export interface SessionOptions {
  /** The manifest directory (holds bottles/ and agents/), relative to `cwd`; default `.`. */
  dir?: string;
  /** The directory relative paths are resolved from and shown relative to; default Deno.cwd(). */
  cwd?: string;
  /** The operator's environment (secrets are read from it); default the process's. */
  env?: Record<string, string>;
  /** The state directory; default from `env` (BOT_BOTTLE_STATE_DIR, else the XDG state dir). */
  stateDir?: string;
  /** The providers by resource type; default every provider of this build. */
  providers?: Map<string, Provider>;
  /** The backend called `name`; default this build's backends. */
  backends?: BackendLookup;
}

/** What every operation shares: the state store, providers, backends and the project. */
export interface Session {
  /** The manifest directory as it was given (named in messages). */
  readonly dir: string;
  /** `dir` resolved against `cwd`: where the manifests are loaded from. */
  readonly dirPath: string;
  /** Absolute, real path of the manifest directory: the project's key in state. */
  readonly project: string;
  readonly cwd: string;
  readonly store: StateStore;
  readonly providers: Map<string, Provider>;
  readonly ctx: ProviderContext;
  readonly backends: BackendLookup;
  /** Closes the state store; the session is not used afterwards. */
  close(): void;
}

/** Opens the state store (a StateError names a database that cannot be used). */
export function openSession(options: SessionOptions = {}): Session {
  const env = options.env ?? Deno.env.toObject();
  const stateDir = options.stateDir ?? resolveStateDir(env);
  const cwd = options.cwd ?? Deno.cwd();
  const dir = options.dir ?? ".";
  const dirPath = resolve(cwd, dir);
  const store = new StateStore(stateDir);
  try {
    store.ensureSchema(QUEUE_SCHEMA);
  } catch (error) {
    store.close();
    throw error;
  }
  return {
    dir,
    dirPath,
    project: existsSync(dirPath) ? realpathSync(dirPath) : dirPath,
    cwd,
    store,
    providers: options.providers ?? allProviders(),
    ctx: { stateDir, env },
    backends: options.backends ?? getBackend,
    close: (): void => store.close(),
  };
}

/** The resource types this build has providers for (what a saved plan may name). */
export function resourceTypes(): ReadonlySet<string> {
  return new Set(allProviders().keys());
}

/**
 * The session's directory must be a manifest directory, or a project whose directory is gone
 * but whose resources are still recorded (destroy and drift work from state alone). Anything
 * else is a typo that would otherwise report "nothing to do".
 */
export function assertProjectExists(session: Session): void {
  if (existsSync(session.dirPath)) return;
  if (session.store.forProject(session.project).length > 0) return;
  throw new UserError(
    `--dir ${session.dir}: no such directory (${session.project}), and nothing is recorded for it`,
    "pass the manifest directory you applied from; `deno task bottle list` shows every project",
  );
}
