/**
 * The second half of `deno task test` under root: the isolation tests as an ordinary user.
 * The user gets a copy of the checkout (tracked files and node_modules) that it owns, with
 * its own HOME and TMPDIR inside it, so nothing of root's is needed or reachable.
 */
import { copySync } from "./copy.ts";
import { createSystemUser, parsePasswd, type PasswdEntry } from "../backends/bwrap/owner.ts";
import { run } from "../lib/command.ts";

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

/**
 * The command for the second run. Its TMPDIR is a short directory of its own beside `scratch`
 * (Unix socket paths under it are limited to 107 bytes), removed by `cleanUp`.
 */
export async function runAsUser(scratch: string): Promise<UserCommand> {
  const { uid, gid } = await ensureUser();
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
      ...USER_SUITE,
    ],
    env: { PATH, HOME: `${root}/home`, TMPDIR: tmp },
    cwd: checkout,
    report,
  };
}

async function ensureUser(): Promise<PasswdEntry> {
  const complaint = lookup() ? "" : await createSystemUser(TEST_USER, "bot-bottle tests");
  const found = lookup();
  if (!found) throw new Error(`could not create the test user ${TEST_USER}: ${complaint}`);
  return found;
}

function lookup(): PasswdEntry | null {
  const passwd = parsePasswd(Deno.readTextFileSync("/etc/passwd"));
  return passwd.find((entry) => entry.name === TEST_USER) ?? null;
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
