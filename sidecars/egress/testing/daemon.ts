/**
 * The egress daemon (main.ts) run as a child process exactly as the supervisor runs it (same
 * flags and permissions), for tests that need the real process: SIGHUP reloads, the loaded
 * marker, its exit. Test support only.
 */

import { egressChild } from "../../bundle/main.ts";
import { TEST_RESOLVE_ENV } from "../upstream/name_override.ts";
import { writeCaDir, writeSecrets } from "./files.ts";

export interface Daemon {
  child: Deno.ChildProcess;
  socket: string;
  stderr: { text: string };
  stdout: { text: string };
  /** Both output streams read to their end. */
  finished: Promise<void>;
}

function collect(stream: ReadableStream<Uint8Array>): { text: string; done: Promise<void> } {
  const sink = { text: "", done: Promise.resolve() };
  sink.done = (async (): Promise<void> => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) sink.text += decoder.decode(chunk, { stream: true });
  })();
  return sink;
}

/** Sends `signal` unless the daemon has exited, and waits for its exit and its output. */
export async function stopDaemon(daemon: Daemon, signal: Deno.Signal): Promise<void> {
  try {
    daemon.child.kill(signal);
  } catch {
    // exited
  }
  await daemon.child.status;
  await daemon.finished;
}

/**
 * Starts the daemon on the bottle files in `dir` (`policy.json`, `secrets.json`, `ca/`, `run/`,
 * `log/`); `resolve` is the test-only name override.
 */
export function spawnDaemon(
  dir: string,
  resolve: Record<string, string> = { "allowed.test": "127.0.0.1", "other.test": "127.0.0.1" },
  extraArgs: string[] = [],
): Daemon {
  const spec = egressChild(
    {
      bottle: "dev",
      runDir: `${dir}/run`,
      policy: `${dir}/policy.json`,
      logDir: `${dir}/log`,
      caDir: `${dir}/ca`,
      secrets: `${dir}/secrets.json`,
    },
    {
      ...Deno.env.toObject(),
      [TEST_RESOLVE_ENV]: JSON.stringify(resolve),
    },
  );
  const child = new Deno.Command(spec.command, {
    args: [...spec.args, ...extraArgs],
    env: spec.env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  return {
    child,
    socket: spec.socket,
    stdout,
    stderr,
    finished: Promise.all([stdout.done, stderr.done]).then(() => {}),
  };
}

/** A bottle directory for the daemon: `run/`, the CA and an empty secrets file. */
export async function makeDaemonDir(): Promise<string> {
  const dir = Deno.makeTempDirSync({ prefix: "egress-main-" });
  Deno.mkdirSync(`${dir}/run`);
  await writeCaDir(dir);
  writeSecrets(`${dir}/secrets.json`, []);
  return dir;
}
