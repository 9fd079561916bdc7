/** `list`: applied bottles of every project and their health. */
import { listBottles } from "../app/list.ts";
import { printTable } from "./render.ts";
import { sessionFor } from "./session.ts";

export async function listCommand(options: { dir: string; json?: boolean }): Promise<number> {
  const { bottles, unrecorded, statePath } = await listBottles(sessionFor(options.dir));
  if (unrecorded.length > 0) {
    console.error(
      `warning: ${unrecorded.join(", ")} running but not recorded ` +
        `in ${statePath}; restore it (deno task bottle state restore) or adopt them ` +
        "(deno task bottle state adopt --dir DIR)",
    );
  }
  if (options.json) {
    console.log(JSON.stringify({ bottles }, null, 2));
    return 0;
  }
  if (bottles.length === 0) {
    console.log("No bottles. Apply one with: deno task apply");
    return 0;
  }
  printTable([
    ["BOTTLE", "BACKEND", "STATUS", "RESOURCES", "PROJECT"],
    ...bottles.map((b) => [b.bottle, b.backend, b.status, String(b.resources), b.project]),
  ]);
  return 0;
}
