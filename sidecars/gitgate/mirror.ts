/**
 * The bare mirrors: created when missing, their hooks pointed at the gate's, and refreshed
 * from upstream at most once per `fetch_cache_seconds`, one fetch at a time per mirror.
 *
 * An unreachable upstream is an error, not a stale success: the agent would otherwise build
 * on (and later push against) refs the gate cannot vouch for; its git prints why instead.
 */

import { credentialEnv, redact, secretForms } from "./git_env.ts";
import { failure, runGit } from "./git_run.ts";
import type { KeyedLock } from "./lock.ts";
import type { GateUpstream } from "./wire.ts";

export const FETCH_TIMEOUT_MS = 180_000;
const LOCAL_TIMEOUT_MS = 30_000;
const MAINTAIN_EVERY_MS = 60_000;

export interface MirrorContext {
  /** The base git environment (git_env.ts `baseGitEnv`). */
  env: Record<string, string>;
  lock: KeyedLock;
}

async function git(context: MirrorContext, mirror: string, args: string[]): Promise<void> {
  const result = await runGit(args, {
    env: { ...context.env, GIT_DIR: mirror },
    timeoutMs: LOCAL_TIMEOUT_MS,
  });
  if (result.code !== 0) throw new Error(failure(result, `git ${args[0]} in ${mirror}`));
}

/** Creates the mirror if missing and points its hooks at `hooksDir` (idempotent). */
export async function prepareMirror(
  context: MirrorContext,
  upstream: GateUpstream,
  hooksDir: string,
): Promise<void> {
  let exists = false;
  try {
    exists = Deno.statSync(`${upstream.mirror}/objects`).isDirectory;
  } catch {
    // created below
  }
  if (!exists) {
    const init = await runGit(["init", "--quiet", "--bare", upstream.mirror], {
      env: context.env,
      timeoutMs: LOCAL_TIMEOUT_MS,
    });
    if (init.code !== 0) throw new Error(failure(init, `git init ${upstream.mirror}`));
  }
  await git(context, upstream.mirror, ["config", "core.hooksPath", hooksDir]);
}

export type Refresh = { refreshed: boolean; fetched: boolean };

const FETCH_ARGS = [
  "fetch",
  "--prune",
  "--no-write-fetch-head",
  "--no-auto-maintenance",
];

export class Mirrors {
  readonly #fetchedAt = new Map<string, number>();
  readonly #maintainedAt = new Map<string, number>();

  constructor(private readonly context: MirrorContext) {}

  /**
   * Fetches upstream into the mirror unless it did within `cacheSeconds`; throws why not.
   * One `git fetch`, one connection upstream; a fetch that changed nothing prints nothing,
   * and then the mirror's HEAD (checked at its first refresh) needs no second look.
   */
  refresh(upstream: GateUpstream, token: string | null, cacheSeconds: number): Promise<Refresh> {
    return this.context.lock.run(upstream.mirror, async () => {
      const last = this.#fetchedAt.get(upstream.mirror);
      if (last !== undefined && Date.now() - last < cacheSeconds * 1000) {
        return { refreshed: false, fetched: false };
      }
      const env = {
        ...this.context.env,
        ...credentialEnv(upstream.credential, token),
        GIT_DIR: upstream.mirror,
      };
      const secrets = secretForms(upstream.credential, token);
      const result = await runGit([
        ...FETCH_ARGS,
        "--",
        upstream.remote,
        "+refs/heads/*:refs/heads/*",
        "+refs/tags/*:refs/tags/*",
      ], { env, timeoutMs: FETCH_TIMEOUT_MS });
      if (result.code !== 0) {
        throw new Error(redact(
          failure(result, `fetching from upstream ${upstream.name} (${upstream.host})`),
          secrets,
        ));
      }
      const fetched = result.stderr.trim() !== "";
      if (fetched || last === undefined) await this.#followHead(upstream, env, secrets);
      if (fetched) this.maintain(upstream.mirror);
      this.#fetchedAt.set(upstream.mirror, Date.now());
      return { refreshed: true, fetched };
    });
  }

  /**
   * Git's housekeeping (`maintenance run --auto`: packs loose objects once there are many),
   * which the gate keeps out of its fetches and receive-packs so no request waits for it:
   * started in the background, at most once a minute per mirror.
   */
  maintain(mirror: string): void {
    const last = this.#maintainedAt.get(mirror);
    if (last !== undefined && Date.now() - last < MAINTAIN_EVERY_MS) return;
    this.#maintainedAt.set(mirror, Date.now());
    runGit(["maintenance", "run", "--auto", "--quiet"], {
      env: { ...this.context.env, GIT_DIR: mirror },
      timeoutMs: FETCH_TIMEOUT_MS,
    }).catch(() => {
      // Housekeeping only: the next run tries again.
    });
  }

  /** Points the mirror's HEAD at upstream's default branch when it names a missing one. */
  async #followHead(
    upstream: GateUpstream,
    env: Record<string, string>,
    secrets: string[],
  ): Promise<void> {
    const head = await runGit(["rev-parse", "--verify", "--quiet", "HEAD"], {
      env,
      timeoutMs: LOCAL_TIMEOUT_MS,
    });
    if (head.code === 0) return;
    const remote = await runGit(["ls-remote", "--symref", "--", upstream.remote, "HEAD"], {
      env,
      timeoutMs: FETCH_TIMEOUT_MS,
    });
    const target = remote.stdout.match(/^ref: (refs\/heads\/\S+)\tHEAD$/m)?.[1];
    if (remote.code !== 0) {
      throw new Error(
        redact(failure(remote, `asking upstream ${upstream.name} for its HEAD`), secrets),
      );
    }
    if (target !== undefined) {
      await git({ ...this.context, env }, upstream.mirror, ["symbolic-ref", "HEAD", target]);
    }
  }
}
