/**
 * The engine-facing API of a bottle's sidecar bundle: start it detached (it outlives the
 * CLI), observe it, reload its policy, stop it leaving nothing behind.
 */

import { join, resolve } from "node:path";
import { TEST_RESOLVE_ENV } from "../egress/mod.ts";
import { sidecarEnv } from "./deno_cmd.ts";
import { egressChild } from "./main.ts";
import { bundleSockets } from "./layout.ts";
import {
  findSupervisor,
  reloadSupervised,
  startSupervised,
  stopSupervised,
  type SupervisedStatus,
  supervisedStatus,
} from "./supervised.ts";
import type { BundleHandle, BundleSpec, ChildSpec } from "./types.ts";

export { bundleSockets };

export type BundleStatus = SupervisedStatus;

/**
 * Runtime flags for the egress proxy, for memory (numbers in tests/bench/README.md):
 * `--no-code-cache` keeps V8's code cache, a SQLite file mapped into every proxy (~2.5 MB
 * RSS each), out; start-up and throughput are unchanged (the cache only spares compiling
 * at start, and the proxy starts in the same ~0.3 s without it). V8 flags were measured
 * and left out: `--single-threaded` saves ~1-3 MB but costs ~20% of intercepted download
 * throughput per CPU second; `--max-semi-space-size=1` saves ~2 MB but costs ~18% of the
 * DLP upload rate and grows the heap under load; `--optimize-for-size` halves the DLP rate.
 */
export const EGRESS_RUNTIME_FLAGS: readonly string[] = ["--no-code-cache"];

/** `child` (a `deno run …` command) with `flags` right after `run`. */
export function withRuntimeFlags(child: ChildSpec, flags: readonly string[]): ChildSpec {
  if (child.args[0] !== "run") {
    throw new Error(`expected a "deno run" command, got "${child.args[0]}"`);
  }
  return { ...child, args: ["run", ...flags, ...child.args.slice(1)] };
}

/**
 * Starts the bundle's supervisor (see supervised.ts; output appended to `logDir/bundle.log`)
 * and resolves once the egress socket accepts connections. On failure everything started
 * is killed and the error carries the tail of bundle.log.
 *
 * The daemons inherit only a few variables of `source` (see PASSED_ENV), this process's
 * environment by default. Test-only: `BOT_BOTTLE_TEST_RESOLVE` (a JSON object
 * `{"host": "127.0.0.1"}`, see sidecars/egress/upstream/name_override.ts) is passed to the egress
 * proxy unchanged, so a test that sets it for `apply` points allowed names at a local
 * server; the proxy honours loopback targets only.
 */
export async function startBundle(
  input: BundleSpec,
  source: Record<string, string> = Deno.env.toObject(),
): Promise<BundleHandle> {
  const spec = absolutePaths(input);
  const sockets = bundleSockets(spec.runDir);
  Deno.mkdirSync(spec.logDir, { recursive: true, mode: 0o700 });
  const env = sidecarEnv(source);
  if (source[TEST_RESOLVE_ENV] !== undefined) env[TEST_RESOLVE_ENV] = source[TEST_RESOLVE_ENV];
  const egress = withRuntimeFlags(
    egressChild({
      bottle: spec.bottle,
      runDir: spec.runDir,
      policy: spec.policyFile,
      logDir: spec.logDir,
      caDir: spec.caDir,
      secrets: spec.secretsFile,
    }, env),
    EGRESS_RUNTIME_FLAGS,
  );
  const supervisor = await startSupervised({
    bottle: spec.bottle,
    what: "sidecar bundle",
    runDir: spec.runDir,
    logPath: join(spec.logDir, "bundle.log"),
    child: egress,
    path: env.PATH,
  });
  return { supervisor, sockets };
}

/** Running means: the supervisor is the same live process and every socket file exists. */
export function bundleStatus(handle: BundleHandle): BundleStatus {
  return supervisedStatus(handle.supervisor, handle.sockets);
}

/** Stops the bundle, leaving no process and no socket. Idempotent. */
export function stopBundle(handle: BundleHandle): Promise<void> {
  return stopSupervised(handle.supervisor, Object.values(handle.sockets));
}

/** Asks the supervisor to reload (it forwards SIGHUP to its daemons); false if it is gone. */
export function reloadBundle(handle: BundleHandle): boolean {
  return reloadSupervised(handle.supervisor);
}

/**
 * The live bundle serving `runDir`, found in the process table (for when the engine lost
 * or never recorded the handle, e.g. after a crash mid-apply), or null.
 */
export function findBundle(runDir: string): BundleHandle | null {
  const supervisor = findSupervisor(runDir, "egress");
  return supervisor === null ? null : { supervisor, sockets: bundleSockets(runDir) };
}

/** The supervisor runs in `/`, and permission flags are comma lists: paths must suit both. */
function absolutePaths(spec: BundleSpec): BundleSpec {
  const out = {
    ...spec,
    runDir: resolve(spec.runDir),
    policyFile: resolve(spec.policyFile),
    logDir: resolve(spec.logDir),
    caDir: resolve(spec.caDir),
    secretsFile: resolve(spec.secretsFile),
  };
  for (const path of [out.runDir, out.policyFile, out.logDir, out.caDir, out.secretsFile]) {
    if (path.includes(",")) throw new Error(`sidecar bundle paths may not contain ",": ${path}`);
  }
  return out;
}
