/**
 * Every bwrap sandbox running on this host, whoever's: each outer bwrap whose arguments bind a
 * door (a run directory at /run/bottle), with its pid 1, its door keeper and its real uid.
 * For `bottle cleanup`, which must see sandboxes that no state records.
 */
import { allProcesses, type ProcessIdentity, readCmdline } from "../../lib/process.ts";
import { realUid } from "../../lib/process_uid.ts";
import { findDoor, inNestedPidNs } from "./find.ts";
import { SANDBOX } from "./layout.ts";
import { STAGE_ROOT } from "./stage.ts";

export interface RunningSandbox {
  /** The outer bwrap. */
  init: ProcessIdentity;
  /** The sandbox's pid 1 (the outer bwrap itself when none is found). */
  inner: ProcessIdentity;
  /** The door's keeper, when one runs. */
  door: ProcessIdentity | null;
  /** The host directory bound at /run/bottle. */
  runDir: string;
  /** The outer bwrap's real uid. */
  uid: number;
}

const BIND_OPTIONS = new Set(["--bind", "--ro-bind", "--bind-try", "--ro-bind-try"]);

/**
 * The run directory a bwrap's argv binds at /run/bottle, or null for a bwrap that is not a
 * bottle's. A root operator's bwrap binds it through its staging area (see stage.ts), whose
 * path is the run directory's under STAGE_ROOT, with the source's index last.
 */
export function doorRunDir(argv: readonly string[]): string | null {
  for (let i = 0; i + 2 < argv.length; i++) {
    if (!BIND_OPTIONS.has(argv[i]) || argv[i + 2] !== SANDBOX.run) continue;
    const source = argv[i + 1];
    if (!source.startsWith(`${STAGE_ROOT}/`)) return source;
    const staged = /^(.*)\/\d+$/.exec(source.slice(STAGE_ROOT.length));
    return staged ? staged[1] : null;
  }
  return null;
}

export function runningSandboxes(): RunningSandbox[] {
  const live = allProcesses().filter((process) => process.state !== "Z");
  const bwraps = new Map(
    live.flatMap((process) => {
      const argv = readCmdline(process.pid);
      return argv && /(^|\/)bwrap$/.test(argv[0] ?? "") ? [[process.pid, { process, argv }]] : [];
    }),
  );
  const found: RunningSandbox[] = [];
  for (const { process, argv } of bwraps.values()) {
    // An outer bwrap runs in the operator's pid namespace; one in a nested namespace is a
    // process inside some bottle, whatever it calls itself (an agent can name one `bwrap`).
    if (bwraps.has(process.ppid) || inNestedPidNs(process.pid)) continue;
    const runDir = doorRunDir(argv);
    const uid = realUid(process.pid);
    if (runDir === null || uid === null) continue;
    const init = { pid: process.pid, startTime: process.startTime };
    const child = live.find((other) => other.ppid === process.pid && inNestedPidNs(other.pid));
    const inner = child ? { pid: child.pid, startTime: child.startTime } : init;
    found.push({ init, inner, door: child ? findDoor(inner) : null, runDir, uid });
  }
  return found;
}
