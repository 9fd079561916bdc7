/**
 * The engine-facing API of a bottle's sidecar bundle: start it detached (it outlives the
 * CLI), observe it, reload its policy, stop it leaving nothing behind.
 */

import { spawn } from "node:child_process";
import { closeSync, fstatSync, openSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  identify,
  isAlive,
  type ProcessIdentity,
  signalGroupIfAlive,
  signalIfAlive,
  waitForExit,
} from "../../lib/process.ts";
import { TEST_RESOLVE_ENV } from "../egress/mod.ts";
import { findOnPath } from "../../backends/preflight.ts";
import { sidecarEnv, sidecarScript } from "./deno_cmd.ts";
import { egressChild, SUPERVISOR_SCRIPT, supervisorCommand } from "./main.ts";
import { bundleSockets } from "./layout.ts";
import { allProcesses, readCmdline, sessionMembers } from "../../lib/process.ts";
import type { BundleHandle, BundleSpec, ChildSpec } from "./types.ts";
import { accepts, poll } from "../../lib/wait.ts";

export { bundleSockets };

export type BundleStatus = { state: "running" } | { state: "gone"; reason: string };

const START_TIMEOUT_MS = 5000;
const SUPERVISOR_GRACE_MS = 4000;
/** sun_path holds 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;
const LOG_TAIL_BYTES = 4096;

const SIDECARS_DIR = sidecarScript("../");

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
 * Starts the bundle's supervisor in its own session (stdin /dev/null, output appended to
 * `logDir/bundle.log`) and resolves once the egress socket accepts connections. On failure
 * everything started is killed and the error carries the tail of bundle.log.
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
  checkRunDir(spec.runDir, sockets);
  for (const path of Object.values(sockets)) {
    if (await accepts(path)) {
      const running = findBundle(spec.runDir);
      throw new Error(
        `a sidecar bundle is already serving ${path}` +
          (running ? ` (supervisor pid ${running.supervisor.pid}); stop it first` : ""),
      );
    }
  }
  Deno.mkdirSync(spec.logDir, { recursive: true, mode: 0o700 });
  const logPath = join(spec.logDir, "bundle.log");
  const logFd = openSync(logPath, "a", 0o600);
  const logOffset = fstatSync(logFd).size;
  const env = sidecarEnv(source);
  if (source[TEST_RESOLVE_ENV] !== undefined) env[TEST_RESOLVE_ENV] = source[TEST_RESOLVE_ENV];
  const perl = findOnPath("perl", env.PATH);
  if (perl === null) {
    closeSync(logFd);
    throw new Error(
      "the sidecar bundle's supervisor needs perl: install perl-base (Debian/Ubuntu) " +
        "or perl-interpreter (Fedora)",
    );
  }
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
  const supervisor = supervisorCommand(spec.bottle, spec.runDir, egress);
  let pid: number | undefined;
  try {
    const child = spawn(perl, supervisor.args, {
      detached: true,
      stdio: ["ignore", logFd, logFd],
      env: supervisor.env,
      cwd: "/",
    });
    child.on("error", () => {});
    child.unref();
    pid = child.pid;
  } finally {
    closeSync(logFd);
  }
  const identity = pid === undefined ? null : identify(pid);
  if (identity === null) {
    throw new Error(
      `sidecar bundle for bottle "${spec.bottle}" did not start${logTail(logPath, logOffset)}`,
    );
  }
  const handle: BundleHandle = { supervisor: identity, sockets };
  // Open, or the supervisor gone (no use waiting on), or null at the deadline.
  const started = await poll(
    async () => (await accepts(sockets.egress)) ? "open" : !isAlive(identity) && "exited",
    { timeoutMs: START_TIMEOUT_MS, intervalMs: 10 },
  );
  if (started === "open") return handle;
  await stopBundle(handle);
  const problem = started === "exited"
    ? "exited during start-up"
    : `did not open ${sockets.egress} within ${START_TIMEOUT_MS} ms`;
  throw new Error(
    `sidecar bundle for bottle "${spec.bottle}" ${problem}${logTail(logPath, logOffset)}`,
  );
}

/** Running means: the supervisor is the same live process and every socket file exists. */
export function bundleStatus(handle: BundleHandle): BundleStatus {
  if (!isAlive(handle.supervisor)) {
    return { state: "gone", reason: `supervisor process ${handle.supervisor.pid} is not running` };
  }
  for (const [name, path] of Object.entries(handle.sockets)) {
    let isSocket = false;
    try {
      isSocket = Deno.lstatSync(path).isSocket === true;
    } catch {
      // missing
    }
    if (!isSocket) return { state: "gone", reason: `${name} socket ${path} is missing` };
  }
  return { state: "running" };
}

/**
 * Stops the bundle: SIGTERM to its process group, SIGKILL after a grace period, then any
 * process left in its session (a daemon orphaned by a killed supervisor) is killed too,
 * and the socket files are removed. Idempotent.
 */
export async function stopBundle(handle: BundleHandle): Promise<void> {
  const { supervisor } = handle;
  if (signalGroupIfAlive(supervisor, "SIGTERM")) {
    if (!await waitForExit(supervisor, SUPERVISOR_GRACE_MS)) {
      signalGroupIfAlive(supervisor, "SIGKILL");
      await waitForExit(supervisor, 2000);
    }
  }
  let leftovers: ProcessIdentity[] = [];
  const gone = await poll(() => {
    leftovers = sessionMembers(supervisor).filter(isSidecarProcess);
    for (const process of leftovers) signalIfAlive(process, "SIGKILL");
    return leftovers.length === 0;
  }, { timeoutMs: 3000, intervalMs: 10 });
  if (!gone) {
    throw new Error(`sidecar processes ${leftovers.map((p) => p.pid).join(", ")} did not exit`);
  }
  for (const path of Object.values(handle.sockets)) {
    try {
      Deno.removeSync(path);
    } catch {
      // already gone
    }
  }
}

/** Asks the supervisor to reload (it forwards SIGHUP to its daemons); false if it is gone. */
export function reloadBundle(handle: BundleHandle): boolean {
  return signalIfAlive(handle.supervisor, "SIGHUP");
}

/**
 * The live bundle serving `runDir`, found in the process table (for when the engine lost
 * or never recorded the handle, e.g. after a crash mid-apply), or null.
 */
export function findBundle(runDir: string): BundleHandle | null {
  for (const process of allProcesses()) {
    if (process.state === "Z" || process.pid !== process.sid) continue;
    const argv = readCmdline(process.pid);
    if (argv === null || !argv.includes(SUPERVISOR_SCRIPT)) continue;
    const at = argv.indexOf("--run-dir");
    if (at < 0 || argv[at + 1] !== runDir) continue;
    return {
      supervisor: { pid: process.pid, startTime: process.startTime },
      sockets: bundleSockets(runDir),
    };
  }
  return null;
}

function isSidecarProcess(process: ProcessIdentity): boolean {
  const argv = readCmdline(process.pid);
  return argv !== null && argv.some((arg) => arg.startsWith(SIDECARS_DIR));
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

function checkRunDir(runDir: string, sockets: Record<string, string>): void {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(runDir);
  } catch {
    throw new Error(`run directory ${runDir} does not exist (the engine creates it)`);
  }
  if (!info.isDirectory) throw new Error(`run directory ${runDir} is not a directory`);
  for (const path of Object.values(sockets)) {
    if (new TextEncoder().encode(path).length > MAX_SOCKET_PATH_BYTES) {
      throw new Error(
        `socket path ${path} is longer than ${MAX_SOCKET_PATH_BYTES} bytes, the limit for ` +
          `Unix sockets; use a shorter run directory`,
      );
    }
  }
}

function logTail(path: string, from: number): string {
  try {
    const bytes = Deno.readFileSync(path);
    const start = Math.max(from, bytes.length - LOG_TAIL_BYTES);
    const text = new TextDecoder().decode(bytes.subarray(start)).trim();
    return text === "" ? " (bundle.log is empty)" : `; end of ${path}:\n${text}`;
  } catch {
    return "";
  }
}
