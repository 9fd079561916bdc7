/** Observations from the host side: the sandbox's processes as the host sees them. */

/** Host pids of every process in the pid namespace of `innerPid` (the sandbox's pid 1). */
export function sandboxPids(innerPid: number): number[] {
  let pidns: string;
  try {
    pidns = Deno.readLinkSync(`/proc/${innerPid}/ns/pid`);
  } catch {
    return sameCgroupPids(innerPid);
  }
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      if (Deno.readLinkSync(`/proc/${entry.name}/ns/pid`) === pidns) pids.push(Number(entry.name));
    } catch {
      // exited meanwhile, or not ours to look at
    }
  }
  return pids.sort((a, b) => a - b);
}

/**
 * When pid 1's namespaces cannot be read (it is not dumpable, and without a user namespace
 * of the operator's, as for a docker container run by an ordinary operator, only root may
 * look): the processes in pid 1's cgroup, if that cgroup is the sandbox's own (not verify's).
 */
function sameCgroupPids(innerPid: number): number[] {
  const cgroup = readText(`/proc/${innerPid}/cgroup`);
  if (cgroup === null || cgroup === readText("/proc/self/cgroup")) return [];
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (/^\d+$/.test(entry.name) && readText(`/proc/${entry.name}/cgroup`) === cgroup) {
      pids.push(Number(entry.name));
    }
  }
  return pids.sort((a, b) => a - b);
}

function readText(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null;
  }
}

/** `/proc/PID/status` as the host sees it, or null when it is gone or unreadable. */
export function procStatus(pid: number): string | null {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/status`);
  } catch {
    return null;
  }
}

/** A `Name:\tvalue` field of a status text (whitespace collapsed), or null. */
export function statusField(status: string, name: string): string | null {
  const match = status.match(new RegExp(`^${name}:\\s*(.*)$`, "m"));
  return match ? match[1].trim().replace(/\s+/g, " ") : null;
}

/** `uid 995 (bot-bottle)`: a host uid with its account name when there is one. */
export function describeUid(uid: number, passwd: string = readPasswd()): string {
  const line = passwd.split("\n").find((entry) => entry.split(":")[2] === String(uid));
  const name = line?.split(":")[0];
  return name ? `uid ${uid} (${name})` : `uid ${uid}`;
}

function readPasswd(): string {
  try {
    return Deno.readTextFileSync("/etc/passwd");
  } catch {
    return "";
  }
}

/** A host process whose command line carries `token`, for the sandbox not to see. */
export interface Marker {
  pid: number;
  stop(): Promise<void>;
}

export function startMarker(token: string): Marker {
  const child = new Deno.Command("/usr/bin/perl", {
    args: ["-e", "sleep 60", token],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  return {
    pid: child.pid,
    stop: async (): Promise<void> => {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
      await child.status;
    },
  };
}
