/**
 * Test support for the gate: a local upstream, a gate directory with gate.json, the daemon
 * started as under the supervisor (gateChild's command line and permissions), a TCP→Unix
 * forwarder (socat) so stock git reaches it at http://127.0.0.1:PORT, and a git runner with
 * no operator configuration. Every wait is bounded.
 */

import { join } from "node:path";
import { gateChild } from "../mod.ts";
import { GATE_POLICY_FILE, GATE_SOCKET, type GatePolicy, type GateUpstream } from "../wire.ts";

export interface GitOut {
  code: number;
  stdout: string;
  stderr: string;
}

export async function git(
  args: string[],
  options: { cwd?: string; home: string; stdin?: string },
): Promise<GitOut> {
  const child = new Deno.Command("git", {
    args,
    cwd: options.cwd,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: options.home,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_TERMINAL_PROMPT: "0",
      GIT_AUTHOR_NAME: "Agent",
      GIT_AUTHOR_EMAIL: "agent@example.com",
      GIT_COMMITTER_NAME: "Agent",
      GIT_COMMITTER_EMAIL: "agent@example.com",
      LANG: "C",
    },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

export async function mustGit(
  args: string[],
  options: { cwd?: string; home: string },
): Promise<string> {
  const out = await git(args, options);
  if (out.code !== 0) throw new Error(`git ${args.join(" ")} failed: ${out.stderr}`);
  return out.stdout.trim();
}

/** A bare upstream on `main` with one commit. */
export async function makeUpstream(root: string, home: string): Promise<string> {
  const upstream = join(root, "upstream.git");
  await mustGit(["init", "--quiet", "--bare", "--initial-branch=main", upstream], { home });
  const work = join(root, "seed");
  await mustGit(["clone", "--quiet", upstream, work], { home });
  await Deno.writeTextFile(join(work, "README.md"), "hello\n");
  await mustGit(["add", "README.md"], { cwd: work, home });
  await mustGit(["commit", "--quiet", "-m", "first"], { cwd: work, home });
  await mustGit(["push", "--quiet", "origin", "HEAD:main"], { cwd: work, home });
  return upstream;
}

export function upstreamEntry(name: string, remote: string, gateDir: string): GateUpstream {
  return {
    name,
    remote,
    host: "git.example.com",
    mirror: join(gateDir, "mirrors", `${name}.git`),
    credential: { kind: "none" },
    push: {
      protected_branches: ["main"],
      branches: ["**"],
      force: [],
      delete: [],
      tags: true,
      protected_paths: [".github/workflows/**"],
      max_push_bytes: 20 << 20,
    },
  };
}

export function writePolicy(gateDir: string, policy: GatePolicy): void {
  Deno.writeTextFileSync(join(gateDir, GATE_POLICY_FILE), JSON.stringify(policy, null, 2));
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function waitFor(
  what: string,
  timeoutMs: number,
  probe: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function connects(connect: () => Promise<Deno.Conn>): Promise<boolean> {
  try {
    (await connect()).close();
    return true;
  } catch {
    return false;
  }
}

export interface RunningGate {
  url: string;
  logDir: string;
  stderrFile: string;
  hangUp(): void;
  stop(): Promise<void>;
}

/** Starts the daemon (as gateChild builds it) and a socat forwarder to its socket. */
export async function startGate(
  dirs: { gateDir: string; runDir: string; logDir: string; bottle: string },
): Promise<RunningGate> {
  const spec = gateChild(dirs, {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: dirs.gateDir,
  });
  const args = spec.args.filter((arg) => arg !== "--exit-with-parent");
  const stderrFile = join(dirs.logDir, "daemon.stderr");
  Deno.mkdirSync(dirs.logDir, { recursive: true });
  const daemon = new Deno.Command(spec.command, {
    args,
    env: spec.env,
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  Deno.writeTextFileSync(stderrFile, "");
  const stderrDone = (async () => {
    for await (const chunk of daemon.stderr) {
      Deno.writeFileSync(stderrFile, chunk, { append: true });
    }
  })();
  const socket = join(dirs.runDir, GATE_SOCKET);
  const port = freePort();
  const forwarder = new Deno.Command("socat", {
    args: [`TCP-LISTEN:${port},bind=127.0.0.1,fork,reuseaddr`, `UNIX-CONNECT:${socket}`],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const stop = async (): Promise<void> => {
    for (const child of [forwarder, daemon]) {
      try {
        child.kill("SIGTERM");
      } catch {
        // gone
      }
    }
    await Promise.all([forwarder.status, daemon.status, stderrDone]);
  };
  try {
    await waitFor(
      "the gate's socket",
      15_000,
      () => connects(() => Deno.connect({ transport: "unix", path: socket })),
    );
    await waitFor(
      "the forwarder",
      5_000,
      () => connects(() => Deno.connect({ hostname: "127.0.0.1", port })),
    );
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${Deno.readTextFileSync(stderrFile)}`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    logDir: dirs.logDir,
    stderrFile,
    hangUp: () => daemon.kill("SIGHUP"),
    stop,
  };
}

export { waitFor };
