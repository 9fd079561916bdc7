import { z } from "zod";
import type { ResourceNode } from "../engine/graph.ts";
import type { BottleContext } from "./bottle_context.ts";
import { defineDirectory } from "./directory.ts";

export const gitGateDirInputs = z.object({
  path: z.string(),
  subdirs: z.array(z.string()),
});

/**
 * The git gate's directory (`gate/`: mirrors, credentials, policy, hook socket), the
 * operator's, mode 0700, never mapped into the sandbox. Only bottles with `git:` have one.
 */
export const gitGateDirProvider = defineDirectory("git_gate_dir", gitGateDirInputs);

export function gitGateDirNodes(bottle: BottleContext): ResourceNode[] {
  if (Object.keys(bottle.manifest.git).length === 0) return [];
  return [gitGateDirProvider.node({
    id: bottle.id("git_gate_dir"),
    bottle: bottle.name,
    inputs: { path: bottle.paths.gateDir, subdirs: ["mirrors", "credentials"] },
    dependsOn: [bottle.id("bottle_dir")],
    replaceWith: [bottle.id("bottle_dir")],
  })];
}
