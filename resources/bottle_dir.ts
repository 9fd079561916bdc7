import { z } from "zod";
import type { BottleContext } from "./bottle_context.ts";
import type { ResourceNode } from "../engine/graph.ts";
import { defineDirectory } from "./directory.ts";

/** `bottle_dir` inputs: the bottle's directory in the state dir and the subdirs it holds. */
export const bottleDirInputs = z.object({
  path: z.string(),
  subdirs: z.array(z.string()),
  /** Absent in rows from before the sandbox owner. */
  owned: z.array(z.string()).optional(),
});
export type BottleDirInputs = z.infer<typeof bottleDirInputs>;

/** The bottle's directory: everything of the bottle lives below it (see directory.ts). */
export const bottleDirProvider = defineDirectory("bottle_dir", bottleDirInputs);

export function bottleDirNodes(bottle: BottleContext): ResourceNode[] {
  return [bottleDirProvider.node({
    id: bottle.id("bottle_dir"),
    bottle: bottle.name,
    inputs: { path: bottle.paths.dir, subdirs: ["logs", "home", "backend"], owned: ["home"] },
    dependsOn: [],
  })];
}
