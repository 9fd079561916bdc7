import { PreflightError } from "./backend.ts";
import { becomeOwner, ensureSandboxOwner } from "./bwrap/owner.ts";
import { runOutput, type RunResult } from "../lib/command.ts";

/** Absolute host paths of the programs the bwrap backend runs. */
export interface HostTools {
  bwrap: string;
  socat: string;
  setpriv: string;
  setsid: string;
  script: string;
  bash: string;
  unshare: string;
  /** Runs inside: the sandbox's init and the seccomp loader of `exec`. */
  perl: string;
}

/** The kernel knobs that decide whether an unprivileged user namespace may be created. */
export interface UsernsSysctls {
  /** `kernel.unprivileged_userns_clone` (Debian/older Ubuntu patch); null when absent. */
  unprivilegedUsernsClone: string | null;
  /** `user.max_user_namespaces`; null when unreadable. */
  maxUserNamespaces: string | null;
  /** `kernel.apparmor_restrict_unprivileged_userns` (Ubuntu 23.10+); null when absent. */
  apparmorRestrict: string | null;
}

const MIN_BWRAP: readonly [number, number, number] = [0, 8, 0];
const SEARCH_FALLBACK = [
  "/usr/local/sbin",
  "/usr/local/bin",
  "/usr/sbin",
  "/usr/bin",
  "/sbin",
  "/bin",
];
/** Programs that also run inside the sandbox must live where the sandbox sees the host's files. */
const SANDBOX_VISIBLE = ["/usr/", "/bin/", "/sbin/"];

const PACKAGES: Record<keyof HostTools, { apt: string; dnf: string }> = {
  bwrap: { apt: "bubblewrap", dnf: "bubblewrap" },
  socat: { apt: "socat", dnf: "socat" },
  setpriv: { apt: "util-linux", dnf: "util-linux" },
  setsid: { apt: "util-linux", dnf: "util-linux-core" },
  script: { apt: "bsdutils", dnf: "util-linux" },
  bash: { apt: "bash", dnf: "bash" },
  unshare: { apt: "util-linux", dnf: "util-linux-core" },
  perl: { apt: "perl-base", dnf: "perl-interpreter" },
};

const APPARMOR_PROFILE = `# /etc/apparmor.d/bwrap
abi <abi/4.0>,
include <tunables/global>

profile bwrap /usr/bin/bwrap flags=(unconfined) {
  userns,
  include if exists <local/bwrap>
}`;

let cached: Promise<HostTools> | null = null;

/**
 * Checks this machine can run bwrap bottles and returns the tools' paths. A success is cached
 * for the life of the process; a failure is not, so a fixed machine passes on the next call.
 */
export function preflight(): Promise<HostTools> {
  if (!cached) {
    cached = runPreflight();
    cached.catch(() => {
      cached = null;
    });
  }
  return cached;
}

async function runPreflight(): Promise<HostTools> {
  const tools = findTools();
  const checks = await Promise.allSettled([
    checkBwrapVersion(tools.bwrap),
    checkUserNamespaces(tools),
  ]);
  for (const check of checks) if (check.status === "rejected") throw check.reason;
  return tools;
}

/**
 * The tools' paths only, with no checks that start processes: for work inside a sandbox
 * that already runs, which proves the machine passed preflight.
 */
export function findTools(): HostTools;
/** Only these tools (what `bottle exec` runs: each look-up along PATH costs failed stats). */
export function findTools<K extends keyof HostTools>(only: readonly K[]): Pick<HostTools, K>;
export function findTools(
  only: readonly (keyof HostTools)[] = Object.keys(PACKAGES) as (keyof HostTools)[],
): Partial<HostTools> {
  const names = only;
  const found: Partial<HostTools> = {};
  const missing: (keyof HostTools)[] = [];
  for (const name of names) {
    const path = findOnPath(name);
    if (path) found[name] = path;
    else missing.push(name);
  }
  if (missing.length > 0) {
    const apt = [...new Set(["bubblewrap", "socat", ...missing.map((name) => PACKAGES[name].apt)])];
    const dnf = [...new Set(missing.map((name) => PACKAGES[name].dnf))];
    throw new PreflightError(
      `the bwrap backend needs ${missing.join(", ")} on PATH`,
      `install them: \`sudo apt-get install ${apt.join(" ")}\` (Debian/Ubuntu) ` +
        `or \`sudo dnf install ${dnf.join(" ")}\` (Fedora)`,
    );
  }
  const tools = found;
  for (const name of ["socat", "setpriv", "perl"] as const) {
    const path = tools[name];
    if (path !== undefined && !SANDBOX_VISIBLE.some((prefix) => path.startsWith(prefix))) {
      throw new PreflightError(
        `${name} is at ${path}, which the sandbox cannot see (it sees only /usr, /bin, /sbin)`,
        `install ${name} from the distribution: \`sudo apt-get install ${PACKAGES[name].apt}\``,
      );
    }
  }
  return tools;
}

/** The first executable regular file named `name` on PATH (or the usual system dirs). */
export function findOnPath(name: string, path = Deno.env.get("PATH") ?? ""): string | null {
  const dirs = [...path.split(":").filter((dir) => dir.startsWith("/")), ...SEARCH_FALLBACK];
  for (const dir of dirs) {
    const candidate = `${dir}/${name}`;
    try {
      const info = Deno.statSync(candidate);
      if (info.isFile && info.mode !== null && (info.mode & 0o111) !== 0) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

async function checkBwrapVersion(bwrap: string): Promise<void> {
  const { stdout } = await run(bwrap, ["--version"]);
  const version = parseBwrapVersion(stdout);
  if (!version || compareVersions(version, MIN_BWRAP) < 0) {
    throw new PreflightError(
      `bubblewrap ${MIN_BWRAP.join(".")} or newer is needed for --disable-userns (found: ${
        stdout.trim() || "unknown version"
      })`,
      "upgrade bubblewrap (Debian 12 and Ubuntu 24.04 ship 0.8.0; on older releases use the " +
        "backports package, or choose `backend: docker` for this bottle)",
    );
  }
}

/** As the sandbox owner: root could always create one, the owner is who must. */
async function checkUserNamespaces(tools: HostTools): Promise<void> {
  const owner = await ensureSandboxOwner();
  const argv = [...becomeOwner(owner, tools.setpriv), tools.bwrap];
  const result = await run(argv[0], [
    ...argv.slice(1),
    "--unshare-user",
    "--ro-bind",
    "/",
    "/",
    "true",
  ]);
  if (result.code === 0) return;
  throw diagnoseUsernsFailure(result.stderr, readUsernsSysctls());
}

export function readUsernsSysctls(): UsernsSysctls {
  return {
    unprivilegedUsernsClone: readSysctl("kernel/unprivileged_userns_clone"),
    maxUserNamespaces: readSysctl("user/max_user_namespaces"),
    apparmorRestrict: readSysctl("kernel/apparmor_restrict_unprivileged_userns"),
  };
}

function readSysctl(name: string): string | null {
  try {
    return Deno.readTextFileSync(`/proc/sys/${name}`).trim();
  } catch {
    return null;
  }
}

/** Turns a failed `bwrap --unshare-user` into the precise fix for this machine. */
export function diagnoseUsernsFailure(stderr: string, sysctls: UsernsSysctls): PreflightError {
  const detail = stderr.trim() || "bwrap failed without a message";
  const message = `cannot create an unprivileged user namespace, which bwrap needs (${detail})`;
  const persist = (setting: string): string =>
    `\`sudo sysctl -w ${setting}\` and, to keep it after reboot, ` +
    `\`echo ${setting} | sudo tee /etc/sysctl.d/60-bot-bottle-userns.conf\``;

  if (sysctls.maxUserNamespaces === "0" || stderr.includes("ENOSPC")) {
    return new PreflightError(
      message,
      `user namespaces are limited to ${sysctls.maxUserNamespaces ?? "too few"} ` +
        `(user.max_user_namespaces): ${persist("user.max_user_namespaces=15000")}. ` +
        "Inside a container, the nesting depth may also be exhausted: run on the host instead.",
    );
  }
  if (sysctls.unprivilegedUsernsClone === "0" || stderr.includes("unprivileged_userns_clone")) {
    return new PreflightError(
      message,
      `unprivileged user namespaces are disabled: ${persist("kernel.unprivileged_userns_clone=1")}`,
    );
  }
  if (
    sysctls.apparmorRestrict === "1" || /Permission denied|Operation not permitted/.test(stderr)
  ) {
    return new PreflightError(
      message,
      "AppArmor restricts unprivileged user namespaces (Ubuntu 23.10+): either " +
        `${persist("kernel.apparmor_restrict_unprivileged_userns=0")}, or allow bwrap alone ` +
        "with this profile, then `sudo apparmor_parser -r /etc/apparmor.d/bwrap`:\n" +
        APPARMOR_PROFILE,
    );
  }
  return new PreflightError(
    message,
    "enable unprivileged user namespaces: check `kernel.unprivileged_userns_clone=1` " +
      "(Debian), `user.max_user_namespaces` > 0, and on Ubuntu " +
      "`kernel.apparmor_restrict_unprivileged_userns=0` or an AppArmor profile for bwrap:\n" +
      APPARMOR_PROFILE,
  );
}

export function parseBwrapVersion(output: string): [number, number, number] | null {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) return null;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return 0;
}

function run(command: string, args: string[]): Promise<RunResult> {
  return runOutput(command, args, {
    clearEnv: true,
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" },
  });
}
