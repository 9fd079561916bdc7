import type { HostTools } from "../preflight.ts";
import { becomeOwner, type SandboxOwner } from "./owner.ts";
import { STAGE_ROOT, type StagedSource, stageOptions, stagingArgv } from "./stage.ts";

export interface OwnedBwrap {
  tools: HostTools;
  owner: SandboxOwner;
  /** bwrap's options, binding host paths as they are. */
  options: readonly string[];
  /** The bind sources only the operator can reach (staged when the owner is someone else). */
  privateSources: readonly StagedSource[];
  /** A path unique to this sandbox (its run or home directory): names its staging area. */
  tag: string;
}

/**
 * The argv that runs bwrap as the sandbox owner: as it is for an ordinary operator; for root,
 * through the private staging namespace and `setpriv` (see stage.ts), so bwrap and everything
 * it starts are the unprivileged owner on the host.
 */
export function ownedBwrapArgv(input: OwnedBwrap): string[] {
  const { tools, owner, options, privateSources, tag } = input;
  if (!owner.switched) return [tools.bwrap, ...options];
  Deno.mkdirSync(STAGE_ROOT, { recursive: true, mode: 0o755 });
  return [
    ...stagingArgv(tools, privateSources, tag),
    ...becomeOwner(owner, tools.setpriv),
    tools.bwrap,
    ...stageOptions(options, privateSources, tag),
  ];
}
