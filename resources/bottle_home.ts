import { lstatSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { bottleDir } from "../engine/state_dir.ts";
import type { ProviderContext } from "../engine/provider.ts";
import { HOST_ENV } from "../backends/bwrap/shell.ts";
import { runOutput } from "../lib/command.ts";
import { clearDirectory, removePaths } from "./confined_files.ts";

/**
 * A bottle's home on the host (mapped at /home/agent). The agent can write everything in
 * it, so the engine works there only through confined_files.ts; the directory itself is
 * trusted (its parent is the engine's).
 */
export function bottleHome(ctx: ProviderContext, bottle: string): string {
  return join(bottleDir(ctx.stateDir, bottle), "home");
}

/** `path` relative to `home`; throws when it is not below it. */
export function withinHome(home: string, path: string): string {
  const rel = relative(home, path);
  if (rel === "" || rel.startsWith("..") || join(home, rel) !== path) {
    throw new Error(`${path} is not in the bottle's home ${home}`);
  }
  return rel;
}

/** Whether a trusted path is a directory (a symlink is not one). */
export function isDirectory(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/**
 * Removes a trusted directory the agent has filled (its home, the workspace), never following
 * a symlink in it. When that fails (an operator who is not root, and directories the agent
 * made read-only), its content is removed as the agent first, in a confined sandbox.
 */
export async function removeAgentDirectory(path: string): Promise<void> {
  if (!lstatSync(path, { throwIfNoEntry: false })) return;
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    if (isDirectory(path)) await clearDirectory(path);
    rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Removes paths (trees too) in a bottle's home, as the agent (confined_files.ts). Should that
 * fail (the home of a bottle applied before homes were the agent's holds files the agent cannot
 * remove), they are removed on the host without following any link: each directory above is
 * entered by a descriptor opened with O_NOFOLLOW, and `rm -rf` never follows one below.
 */
export async function removeInHome(home: string, paths: readonly string[]): Promise<void> {
  if (!isDirectory(home)) return;
  try {
    await removePaths(home, paths);
  } catch (error) {
    for (const path of paths) await removeOnHost(home, path, error as Error);
  }
}

const REMOVE_NOFOLLOW = String.raw`
use strict; use warnings; use Fcntl;
my ($home, $path) = @ARGV; my @parts = split m{/}, $path; my $last = pop @parts;
chdir($home) or die "cannot enter $home: $!\n";
for my $part (@parts) {
  sysopen(my $dir, $part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) or exit 0;
  chdir($dir) or die "cannot enter $part: $!\n";
}
exec("rm", "-rf", "--", $last) or die "cannot run rm: $!\n";
`;

async function removeOnHost(home: string, path: string, cause: Error): Promise<void> {
  const result = await runOutput("perl", ["-e", REMOVE_NOFOLLOW, "--", home, path], {
    clearEnv: true,
    env: { ...HOST_ENV },
  });
  if (result.code !== 0) {
    const detail = result.stderr.trim();
    throw new Error(
      `could not remove ${path} in ${home}: ${detail} (as the agent: ${cause.message})`,
    );
  }
}
