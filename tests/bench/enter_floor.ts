import { join } from "node:path";
import { findTools } from "../../backends/preflight.ts";
import { enterArgv } from "../../backends/bwrap/enter.ts";
import { sandboxOwner } from "../../backends/bwrap/owner.ts";
import { sandboxSeccomp } from "../../backends/bwrap/seccomp.ts";

/**
 * What `bottle exec` runs on the host to enter the applied bottle, bare: as the owner, the
 * entry program (namespaces, capabilities, seccomp) and `/bin/true`. A reason when there is
 * no such bottle.
 */
export async function enterFloorArgv(
  stateDir: string,
  bottle: string,
): Promise<string[] | string> {
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
  const tools = findTools(["perl"]);
  const owner = sandboxOwner();
  return [
    ...enterArgv({
      perl: tools.perl,
      owner: owner.switched ? owner : null,
      pid: inner,
      namespaces: ["ipc", "uts", "net", "cgroup", "pid", "mnt"],
      cwd: "/workspace",
      inner: true,
      seccomp: await sandboxSeccomp(),
      // As `bottle exec` runs it: descriptors closed, its own session, an empty environment.
      detach: true,
      env: [],
    }),
    "/bin/true",
  ];
}
