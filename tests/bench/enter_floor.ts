import { join } from "node:path";
import { findTools } from "../../backends/preflight.ts";
import { enterArgv } from "../../backends/bwrap/enter.ts";
import { becomeOwner, sandboxOwner } from "../../backends/bwrap/owner.ts";
import { sandboxSeccomp } from "../../backends/bwrap/seccomp.ts";

/**
 * What `bottle exec` runs on the host to enter the applied bottle, bare: as the owner, the
 * entry program (namespaces, capabilities, seccomp) and `/bin/true`. A reason when there is
 * no such bottle.
 */
export function enterFloorArgv(stateDir: string, bottle: string): string[] | string {
  let inner: number;
  try {
    const handle = JSON.parse(
      Deno.readTextFileSync(join(stateDir, "bottles", bottle, "sandbox.json")),
    );
    inner = Number(handle?.inner?.pid);
  } catch {
    return `no sandbox handle for ${bottle}`;
  }
  if (!Number.isInteger(inner) || inner <= 0) return `no sandbox pid in ${bottle}'s handle`;
  const tools = findTools();
  return [
    ...becomeOwner(sandboxOwner(), tools.setpriv),
    ...enterArgv({
      perl: tools.perl,
      pid: inner,
      namespaces: ["ipc", "uts", "net", "cgroup", "pid", "mnt"],
      cwd: "/workspace",
      inner: true,
      seccomp: sandboxSeccomp(),
    }),
    "/bin/true",
  ];
}
