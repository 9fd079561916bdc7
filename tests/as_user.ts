/**
 * The second half of `deno task test` under root: the isolation tests as an ordinary user.
 * The user gets a copy of the checkout (tracked files and node_modules) that it owns, with
 * its own HOME and TMPDIR inside it, so nothing of root's is needed or reachable.
 *
 * The user is made like the sandbox account (`createSystemUser`: a system account, no home,
 * shell nologin) and then, unlike it, given `/bin/sh`: the git gate's SSH upstream fixture
 * (`integration/git_upstream_ssh.ts`) logs in the user running the test, and sshd runs git
 * through that user's passwd shell. Only this test account changes; the sandbox account
 * (`bot-bottle`) and anything production makes keep nologin.
 */
import { copySync } from "./copy.ts";
import { createSystemUser, parsePasswd, type PasswdEntry } from "../backends/bwrap/owner.ts";
import { run } from "../lib/command.ts";
import { runsCommands } from "./integration/git_upstream_ssh.ts";

export const TEST_USER = "bbtester";

/** What runs again as the ordinary user: every escape and isolation test. */
export const USER_SUITE: readonly string[] = [
  "backends/",
  "tests/integration/isolation_test.ts",
  "tests/integration/lifecycle_test.ts",
  "tests/integration/door_test.ts",
  "tests/integration/verify_test.ts",
  "resources/confined_files_test.ts",
  "resources/home_links_test.ts",
  "tests/integration/home_links_test.ts",
  "tests/integration/git_gate_test.ts",
  "tests/integration/docker_test.ts",
];

const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface UserCommand {
  program: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Where its JUnit report goes (a file the user may write). */
  report: string;
}

/** What to run as whom: by default, `USER_SUITE` as `TEST_USER`. */
export interface UserRun {
  /** Test files or directories, relative to the checkout. */
  files?: readonly string[];
  /** The account (created when missing, given a shell when it has none). */
  user?: string;
}

/**
 * The command for the second run. Its TMPDIR is a short directory of its own beside `scratch`
 * (Unix socket paths under it are limited to 107 bytes), removed by `cleanUp`.
 */
export async function runAsUser(scratch: string, options: UserRun = {}): Promise<UserCommand> {
  const { uid, gid } = await ensureUser(options.user ?? TEST_USER);
  const root = `${scratch}/as-user`;
  const checkout = `${root}/checkout`;
  const tmp = userTmp(scratch);
  const report = `${root}/junit.xml`;
  Deno.mkdirSync(`${root}/home`, { recursive: true });
  Deno.mkdirSync(tmp, { recursive: true });
  for (const path of await trackedFiles()) copySync(path, `${checkout}/${path}`);
  copySync("node_modules", `${checkout}/node_modules`);
  await run("chown", ["-R", "-h", `${uid}:${gid}`, "--", root, tmp]);
  Deno.chmodSync(root, 0o755);
  return {
    program: "setpriv",
    args: [
      `--reuid=${uid}`,
      `--regid=${gid}`,
      "--init-groups",
      "--",
      Deno.execPath(),
      "test",
      "-A",
      "--no-prompt",
      `--junit-path=${report}`,
      ...(options.files ?? USER_SUITE),
    ],
    env: { PATH, HOME: `${root}/home`, TMPDIR: tmp },
    cwd: checkout,
    report,
  };
}

async function ensureUser(name: string): Promise<PasswdEntry> {
  const complaint = lookup(name) ? "" : await createSystemUser(name, "bot-bottle tests");
  const found = lookup(name);
  if (!found) throw new Error(`could not create the test user ${name}: ${complaint}`);
  if (!runsCommands(shellOf(name))) await run("usermod", ["--shell", "/bin/sh", name]);
  // A Docker user reaches the daemon through the `docker` group: the docker backend's tests
  // run as this ordinary operator too (the bottle then runs as this uid, never root).
  if (groupExists("docker")) await run("usermod", ["--append", "--groups", "docker", name]);
  return found;
}

function groupExists(name: string): boolean {
  return Deno.readTextFileSync("/etc/group").split("\n").some((line) =>
    line.startsWith(`${name}:`)
  );
}

function lookup(name: string): PasswdEntry | null {
  const passwd = parsePasswd(Deno.readTextFileSync("/etc/passwd"));
  return passwd.find((entry) => entry.name === name) ?? null;
}

/** The account's login shell, field 7 of its /etc/passwd line ("" when empty or absent). */
function shellOf(name: string): string {
  const line = Deno.readTextFileSync("/etc/passwd").split("\n").find((entry) =>
    entry.startsWith(`${name}:`)
  );
  return line?.split(":")[6] ?? "";
}

async function trackedFiles(): Promise<string[]> {
  const output = await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
  return output.split("\0").filter((path) => path !== "" && exists(path));
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** `/tmp/bbt-X` → `/tmp/bbu-X`: as short as the first run's. */
export function userTmp(scratch: string): string {
  return scratch.replace(/\/bbt-([^/]+)$/, "/bbu-$1");
}
