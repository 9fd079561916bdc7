/**
 * A real OpenSSH upstream on 127.0.0.1 for the git gate's tests: Debian's `/usr/sbin/sshd`
 * started by the test (not the system service) with everything in a temp dir of its own: a
 * generated ed25519 host key, an `sshd_config`, a generated client key pair authorised, logs,
 * and a bare repository to serve.
 *
 * It logs in the user that runs it: sshd running as an ordinary user can only authenticate
 * that same user, and as root it logs in root (`PermitRootLogin prohibit-password`). Either
 * way the login runs commands through that user's shell from /etc/passwd, so an account whose
 * shell is nologin cannot serve git (sshd has no option to name another shell; ForceCommand
 * is run through the same shell). The test runner's ordinary user (`tests/as_user.ts`) is
 * given `/bin/sh` for this.
 */
import { join } from "node:path";
import { run } from "../../lib/command.ts";
import { identify, type ProcessIdentity } from "../../lib/process.ts";
import { sleep } from "../../lib/wait.ts";
import { makeUpstreamRepo } from "./git_upstream_repo.ts";
import { killTree } from "./process_tree.ts";

const SSHD = "/usr/sbin/sshd";
const START_TIMEOUT_MS = 10_000;

export interface SshUpstream {
  /** `ssh://USER@127.0.0.1:PORT/abs/path/repo.git` */
  url: string;
  /** `USER@127.0.0.1:/abs/path/repo.git`: needs `-p PORT` in the ssh command (no port in it). */
  scpUrl: string;
  port: number;
  user: string;
  /** The authorised client key (0600, owned by whoever runs the test). */
  privateKeyPath: string;
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA…`: the line a known_hosts file needs to trust it. */
  knownHostsLine: string;
  /** The same host pattern with another key: what a host-key mismatch looks like. */
  wrongKnownHostsLine: string;
  repoPath: string;
  /** sha of `main`'s one commit at start. */
  initialCommit: string;
  /** sshd's own log (`-E`), for a failing test's message. */
  logPath: string;
  /** Kills sshd and every session it started; removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** Starts sshd on a free 127.0.0.1 port serving a fresh bare repo; returns once it answers. */
export async function startSshUpstream(): Promise<SshUpstream> {
  const dir = await Deno.makeTempDir({ prefix: "bb-sshd-" });
  try {
    return await startIn(dir);
  } catch (error) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  }
}

async function startIn(dir: string): Promise<SshUpstream> {
  await Deno.stat(SSHD).catch(() => {
    throw new Error(`${SSHD} is missing (apt-get install -y openssh-server)`);
  });
  const user = loginUser();
  if (Deno.uid() === 0) await Deno.mkdir("/run/sshd", { recursive: true, mode: 0o755 });
  await keygen(join(dir, "host_ed25519"));
  await keygen(join(dir, "wrong_host_ed25519"));
  await keygen(join(dir, "client_ed25519"));
  await Deno.copyFile(join(dir, "client_ed25519.pub"), join(dir, "authorized_keys"));
  const repoPath = join(dir, "repo.git");
  const initialCommit = await makeUpstreamRepo(repoPath);
  const logPath = join(dir, "sshd.log");
  const hostKey = await publicKey(join(dir, "host_ed25519.pub"));
  const wrongHostKey = await publicKey(join(dir, "wrong_host_ed25519.pub"));

  let started: { sshd: ProcessIdentity; port: number } | null = null;
  for (let attempt = 0; started === null; attempt++) {
    // The port is free when looked at; another process may take it before sshd binds: retry.
    const port = freePort();
    await Deno.writeTextFile(join(dir, "sshd_config"), sshdConfig(dir, port));
    const sshd = await launch(dir, logPath);
    if (await answers(port, sshd)) started = { sshd, port };
    else {
      await killTree(sshd);
      if (attempt >= 2) throw new Error(`sshd did not start:\n${await tail(logPath)}`);
    }
  }
  const { sshd, port } = started;
  const hostPattern = `[127.0.0.1]:${port}`;
  let stopped = false;
  return {
    url: `ssh://${user}@127.0.0.1:${port}${repoPath}`,
    scpUrl: `${user}@127.0.0.1:${repoPath}`,
    port,
    user,
    privateKeyPath: join(dir, "client_ed25519"),
    knownHostsLine: `${hostPattern} ${hostKey}`,
    wrongKnownHostsLine: `${hostPattern} ${wrongHostKey}`,
    repoPath,
    initialCommit,
    logPath,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await killTree(sshd);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

function sshdConfig(dir: string, port: number): string {
  return [
    "ListenAddress 127.0.0.1",
    `Port ${port}`,
    `HostKey ${join(dir, "host_ed25519")}`,
    `PidFile ${join(dir, "sshd.pid")}`,
    `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
    "PubkeyAuthentication yes",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "UsePAM no",
    "StrictModes no",
    "PermitRootLogin prohibit-password",
    // git sends its wire-protocol version this way (SendEnv=GIT_PROTOCOL).
    "AcceptEnv GIT_PROTOCOL",
    "UseDNS no",
    "PrintMotd no",
    "PrintLastLog no",
    "AllowTcpForwarding no",
    "X11Forwarding no",
    "LogLevel VERBOSE",
    "",
  ].join("\n");
}

/** sshd in the foreground (`-D`), its own session and process group, logging to `logPath`. */
async function launch(dir: string, logPath: string): Promise<ProcessIdentity> {
  const child = new Deno.Command(SSHD, {
    args: ["-D", "-f", join(dir, "sshd_config"), "-E", logPath],
    clearEnv: true,
    env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
    cwd: dir,
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn();
  child.status.catch(() => {});
  const identity = identify(child.pid);
  if (identity === null) throw new Error(`sshd exited at once:\n${await tail(logPath)}`);
  return identity;
}

/**
 * Whether sshd on `port` greets with an SSH banner within the start timeout (a connection
 * alone could be another listener's); false at once when sshd has exited.
 */
async function answers(port: number, sshd: ProcessIdentity): Promise<boolean> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (identify(sshd.pid)?.startTime !== sshd.startTime) return false;
    if (await greets(port)) return true;
    await sleep(20);
  }
  return false;
}

async function greets(port: number): Promise<boolean> {
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
  } catch {
    return false;
  }
  const timer = setTimeout(() => conn.close(), 2000);
  try {
    const buffer = new Uint8Array(64);
    const n = await conn.read(buffer);
    return n !== null && new TextDecoder().decode(buffer.subarray(0, n)).startsWith("SSH-2.0-");
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // closed by the timer
    }
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function keygen(path: string): Promise<void> {
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", path], {
    install: "apt-get install -y openssh-client",
  });
}

/** `ssh-ed25519 AAAA…` (the comment dropped). */
async function publicKey(path: string): Promise<string> {
  const [type, key] = (await Deno.readTextFile(path)).trim().split(/\s+/);
  return `${type} ${key}`;
}

/**
 * The account of this process's uid (the only one a non-root sshd can log in), which must
 * have a shell that runs commands: sshd runs git's through it, and nothing else.
 */
function loginUser(): string {
  const uid = Deno.uid();
  const fields = Deno.readTextFileSync("/etc/passwd").split("\n").map((line) => line.split(":"))
    .find((entry) => entry.length >= 7 && entry[2] === String(uid));
  if (fields === undefined) throw new Error(`uid ${uid} has no /etc/passwd entry for sshd`);
  const [name, , , , , , shell] = fields;
  if (!runsCommands(shell)) {
    throw new Error(
      `sshd runs commands through the login shell of "${name}", which is ${shell || "empty"}: ` +
        `git over SSH cannot run as this user (give it a shell, e.g. usermod -s /bin/sh ${name})`,
    );
  }
  return name;
}

/**
 * Whether a passwd shell field names a shell sshd can run commands through: not empty (the
 * check is ours, stricter than sshd's), not nologin or false. `tests/as_user.ts` gives the
 * test user `/bin/sh` when this says no.
 */
export function runsCommands(shell: string): boolean {
  return shell !== "" && !/\/(nologin|false)$/.test(shell);
}

async function tail(path: string): Promise<string> {
  const text = await Deno.readTextFile(path).catch(() => "(no log)");
  return text.split("\n").slice(-20).join("\n");
}
