/**
 * Work on a directory the agent can write, done as the agent would do it: a throwaway bwrap
 * that sees only that directory (at /confined), the host's read-only system and a private
 * /tmp, running as the sandbox owner with uid 1000 inside. A symlink the agent planted can
 * only lead to what this sandbox sees, so the engine never writes or reads a host file
 * through one, whatever the agent did; and what it writes belongs to the agent.
 */
import { preflight } from "../preflight.ts";
import { ancestors } from "./args.ts";
import { probeHost } from "./host.ts";
import { ownedBwrapArgv } from "./owned.ts";
import { sandboxOwner } from "./owner.ts";
import { HOST_ENV } from "./shell.ts";
import { concat } from "../../lib/bytes.ts";

/** Where the directory is inside the throwaway sandbox. */
export const CONFINED_DIR = "/confined";

export interface ConfinedRequest {
  /** The host directory, mapped read-write at /confined. Its own path must be trusted. */
  dir: string;
  /** Host paths mapped read-only (e.g. a skill's source), at `inside`. */
  roBinds?: { host: string; inside: string }[];
  /** A POSIX sh script, run as the agent with /confined as its working directory. */
  script: string;
  /** `$1`, `$2` … of the script. */
  args?: string[];
  stdin?: Uint8Array;
  /** Bytes of stdout beyond which the run is stopped and fails (default 64 MiB). */
  stdoutLimit?: number;
  /** The run is killed and fails after this long (default 60 s). */
  timeoutMs?: number;
}

export interface ConfinedResult {
  code: number;
  stdout: Uint8Array;
  stderr: string;
}

const DEFAULT_STDOUT_LIMIT = 64 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;
const STDERR_LIMIT = 64 * 1024;

export async function runConfined(request: ConfinedRequest): Promise<ConfinedResult> {
  const tools = await preflight();
  const owner = sandboxOwner();
  const layout = probeHost();
  const roBinds = request.roBinds ?? [];
  const options = [
    "--unshare-all",
    "--unshare-user",
    "--disable-userns",
    "--uid",
    "1000",
    "--gid",
    "1000",
    "--cap-drop",
    "ALL",
    "--new-session",
    "--die-with-parent",
    "--ro-bind",
    "/usr",
    "/usr",
    ...layout.topLevel.flatMap((entry) =>
      entry.kind === "symlink"
        ? ["--symlink", entry.target, entry.path]
        : ["--ro-bind", entry.path, entry.path]
    ),
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--tmpfs",
    "/tmp",
    ...ancestors(roBinds.map((bind) => bind.inside)).flatMap((dir) => ["--dir", dir]),
    "--bind",
    request.dir,
    CONFINED_DIR,
    ...roBinds.flatMap((bind) => ["--ro-bind", bind.host, bind.inside]),
    "--chdir",
    CONFINED_DIR,
    "--clearenv",
    "--setenv",
    "PATH",
    "/usr/bin:/bin",
    "--setenv",
    "LC_ALL",
    "C",
    "--setenv",
    "HOME",
    CONFINED_DIR,
    "--",
    "/bin/sh",
    "-c",
    request.script,
    "confined",
    ...(request.args ?? []),
  ];
  const argv = ownedBwrapArgv({
    tools,
    owner,
    options,
    privateSources: [
      { host: request.dir, kind: "dir" },
      ...roBinds.map((bind) => ({ host: bind.host, kind: kindOf(bind.host) })),
    ],
    tag: `/confined${request.dir}`,
  });
  return await spawnBounded(argv, request);
}

function kindOf(path: string): "dir" | "file" {
  return Deno.statSync(path).isDirectory ? "dir" : "file";
}

async function spawnBounded(argv: string[], request: ConfinedRequest): Promise<ConfinedResult> {
  const limit = request.stdoutLimit ?? DEFAULT_STDOUT_LIMIT;
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdin: request.stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
    clearEnv: true,
    env: { ...HOST_ENV },
  }).spawn();
  let failure: string | null = null;
  const timer = setTimeout(() => {
    failure = `took longer than ${request.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`;
    kill(child);
  }, request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const feeding = request.stdin ? feed(child.stdin, request.stdin) : Promise.resolve();
  const collect = async (
    stream: ReadableStream<Uint8Array>,
    max: number,
    onOverflow: () => void,
  ): Promise<Uint8Array> => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of stream) {
      if (size + chunk.length > max) {
        onOverflow();
        continue;
      }
      chunks.push(chunk);
      size += chunk.length;
    }
    return concat(chunks);
  };
  const [stdout, stderr, status] = await Promise.all([
    collect(child.stdout, limit, () => {
      failure ??= `wrote more than ${limit} bytes`;
      kill(child);
    }),
    collect(child.stderr, STDERR_LIMIT, () => {}),
    child.status,
    feeding.catch(() => {}),
  ]);
  clearTimeout(timer);
  const stderrText = new TextDecoder().decode(stderr).trim();
  if (failure) {
    throw new Error(
      `confined work in ${request.dir} ${failure}${stderrText ? `: ${stderrText}` : ""}`,
    );
  }
  return { code: status.code, stdout, stderr: stderrText };
}

async function feed(stream: WritableStream<Uint8Array>, bytes: Uint8Array): Promise<void> {
  const writer = stream.getWriter();
  try {
    await writer.write(bytes);
  } finally {
    await writer.close().catch(() => {});
  }
}

function kill(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch {
    // already exited
  }
}
