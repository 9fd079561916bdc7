import { PreflightError } from "../backend.ts";
import { HOST_ENV } from "./shell.ts";
import { runOutput } from "../../lib/command.ts";

/**
 * The host identity every process of a bottle runs as. The agent's uid 1000 inside maps to
 * it, so it must never be a privileged one: for an ordinary operator it is the operator
 * (nothing inside can do more than they can), for root it is a dedicated system user,
 * `bot-bottle`, that owns nothing on the host but the bottles' workspaces and homes.
 */
export interface SandboxOwner {
  uid: number;
  gid: number;
  /** The account name, for messages. */
  name: string;
  /**
   * Whether the operator is someone else (root): the sandbox's processes are started with
   * `setpriv` as the owner, and the host paths bwrap binds are staged where it can reach them.
   */
  switched: boolean;
}

/** The system account the sandboxes of a root operator run as. */
export const SANDBOX_USER = "bot-bottle";
/** Set to an existing unprivileged account to use it instead of `bot-bottle` (root only). */
export const SANDBOX_USER_ENV = "BOT_BOTTLE_SANDBOX_USER";

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

/** The owner for this process's operator; throws PreflightError when it does not exist yet. */
export function sandboxOwner(passwd: string = readPasswd()): SandboxOwner {
  const uid = Deno.uid() ?? 0;
  const gid = Deno.gid() ?? 0;
  if (uid !== 0) return { uid, gid, name: nameOf(uid, passwd) ?? String(uid), switched: false };
  const wanted = Deno.env.get(SANDBOX_USER_ENV) || SANDBOX_USER;
  const entry = parsePasswd(passwd).find((candidate) => candidate.name === wanted);
  if (!entry) {
    throw new PreflightError(
      `the sandbox user "${wanted}" does not exist: as root, bottles run as that ` +
        "unprivileged account so that nothing inside is root on the host",
      `create it: \`useradd --system --user-group --no-create-home --home-dir /nonexistent ` +
        `--shell /usr/sbin/nologin ${wanted}\` (apply does this itself), or run as an ` +
        "ordinary user",
    );
  }
  if (entry.uid === 0 || entry.gid === 0) {
    throw new PreflightError(
      `the sandbox user "${wanted}" has uid ${entry.uid} / gid ${entry.gid}: it must not be root`,
      `point ${SANDBOX_USER_ENV} at an unprivileged account, or unset it`,
    );
  }
  return { uid: entry.uid, gid: entry.gid, name: entry.name, switched: true };
}

/**
 * Preflight for a root operator: creates the `bot-bottle` system account when it is missing
 * (an account named by BOT_BOTTLE_SANDBOX_USER is never created: it must exist).
 */
export async function ensureSandboxOwner(): Promise<SandboxOwner> {
  try {
    return sandboxOwner();
  } catch (error) {
    if (Deno.uid() !== 0 || Deno.env.get(SANDBOX_USER_ENV)) throw error;
  }
  const detail = await createSystemUser(SANDBOX_USER, "bot-bottle sandboxes");
  // Another apply may have created it in the meantime: only its absence afterwards is an error.
  try {
    return sandboxOwner();
  } catch {
    throw new PreflightError(
      `could not create the sandbox user "${SANDBOX_USER}" (${detail || "useradd failed"})`,
      `create it yourself: \`useradd --system --user-group --no-create-home --home-dir ` +
        `/nonexistent --shell /usr/sbin/nologin ${SANDBOX_USER}\`, or run as an ordinary user`,
    );
  }
}

/**
 * `useradd` of a system account with its own group, no home and no login shell. Returns
 * useradd's complaint ("" on success); whether the account exists is for the caller to check.
 */
export async function createSystemUser(name: string, comment: string): Promise<string> {
  const args = [
    "--system",
    "--user-group",
    "--no-create-home",
    "--home-dir",
    "/nonexistent",
    "--shell",
    "/usr/sbin/nologin",
    "--comment",
    comment,
    name,
  ];
  const output = await runOutput("useradd", args, { clearEnv: true, env: { ...HOST_ENV } })
    .catch((error: Error) => ({ code: 1, stderr: error.message }));
  return output.code === 0 ? "" : output.stderr.trim();
}

export function parsePasswd(text: string): PasswdEntry[] {
  const entries: PasswdEntry[] = [];
  for (const line of text.split("\n")) {
    const fields = line.split(":");
    if (fields.length < 4) continue;
    const uid = Number(fields[2]);
    const gid = Number(fields[3]);
    if (fields[0] && Number.isInteger(uid) && Number.isInteger(gid) && fields[2] !== "") {
      entries.push({ name: fields[0], uid, gid });
    }
  }
  return entries;
}

function nameOf(uid: number, passwd: string): string | null {
  return parsePasswd(passwd).find((entry) => entry.uid === uid)?.name ?? null;
}

function readPasswd(): string {
  try {
    return Deno.readTextFileSync("/etc/passwd");
  } catch {
    return "";
  }
}

/** `setpriv` options that become the owner (empty when the operator already is the owner). */
export function becomeOwner(owner: SandboxOwner, setpriv: string): string[] {
  if (!owner.switched) return [];
  return [
    setpriv,
    `--reuid=${owner.uid}`,
    `--regid=${owner.gid}`,
    "--clear-groups",
    "--inh-caps=-all",
    "--",
  ];
}

/**
 * Hands a tree the engine just built (no agent has run in it yet) to the sandbox owner,
 * without following symlinks (`chown -R -h`). Nothing to do for an ordinary operator.
 */
export async function giveToOwner(
  path: string,
  owner: SandboxOwner = sandboxOwner(),
): Promise<void> {
  if (!owner.switched) return;
  const output = await runOutput("chown", ["-R", "-h", `${owner.uid}:${owner.gid}`, "--", path], {
    clearEnv: true,
    env: { ...HOST_ENV },
  });
  if (output.code !== 0) {
    const detail = output.stderr.trim();
    throw new Error(`could not give ${path} to the sandbox user ${owner.name}: ${detail}`);
  }
}
