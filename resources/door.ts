import { z } from "zod";
import type { DoorService } from "../backends/backend.ts";
import type { ResourceNode } from "../engine/graph.ts";
import type { SameShape } from "../engine/json_data.ts";
import type { BottleContext } from "./bottle_context.ts";
import { defineDirectory } from "./directory.ts";
import { GATE_PORT, GATE_SOCKET } from "../sidecars/gitgate/wire.ts";
import { SUPERVISE_PORT, SUPERVISE_SOCKET } from "../sidecars/supervise/wire.ts";

/** Services on every bottle's door, at fixed ports inside (each sandbox has its own netns). */
export const DOOR_SERVICES: readonly DoorService[] = [
  { name: "egress", port: 3128, socket: "egress.sock" },
  // Always on the door, so a bottle that later declares `git:` gets its gate without a
  // sandbox restart; with no gate running, a connection to it is closed at once.
  { name: "git", port: GATE_PORT, socket: GATE_SOCKET },
  // Likewise for supervise: enabling it later starts its server, never a new sandbox.
  { name: "supervise", port: SUPERVISE_PORT, socket: SUPERVISE_SOCKET },
];

export const doorServiceSchema = z.object({
  name: z.string(),
  port: z.number(),
  socket: z.string(),
});
const _service: SameShape<z.infer<typeof doorServiceSchema>, DoorService> = true;

/** `door` inputs: the run directory holding the services' sockets. */
export const doorInputs = z.object({
  path: z.string(),
  /** Absent in rows from before the forwarders ran as the sandbox owner. */
  mode: z.number().optional(),
  services: z.array(doorServiceSchema),
});
export type DoorInputs = z.infer<typeof doorInputs>;

/** The door: the run directory the bundle's sockets live in, mapped into the sandbox. */
export const doorProvider = defineDirectory("door", doorInputs);

export function doorNodes(bottle: BottleContext): ResourceNode[] {
  return [doorProvider.node({
    id: bottle.id("door"),
    bottle: bottle.name,
    inputs: {
      path: bottle.paths.runDir,
      mode: 0o711,
      services: DOOR_SERVICES.map((service) => ({ ...service })),
    },
    dependsOn: [bottle.id("bottle_dir")],
    replaceWith: [bottle.id("bottle_dir")],
  })];
}
