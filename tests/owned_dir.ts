/**
 * For tests of code that works in an agent's home: a scratch directory owned by the sandbox
 * owner (as a bottle's home is), and a way to hand what a test planted there to the owner,
 * as if the agent had made it.
 */
import { ensureSandboxOwner } from "../backends/bwrap/owner.ts";
import { run } from "../lib/command.ts";

/** A new directory owned by the sandbox owner, mode 0700 (a bottle's home). */
export async function ownedTempDir(prefix = "bb-home-"): Promise<string> {
  const owner = await ensureSandboxOwner();
  const dir = await Deno.makeTempDir({ prefix });
  await Deno.chown(dir, owner.uid, owner.gid);
  return dir;
}

/** Gives `path` and everything below it to the sandbox owner, without following symlinks. */
export async function giveToAgent(path: string): Promise<void> {
  const owner = await ensureSandboxOwner();
  await run("chown", ["-R", "-h", `${owner.uid}:${owner.gid}`, "--", path]);
}
