/** `list`: the bottles of every project and backend, their health, age, agents and resources. */
import { type BottleStatus, listBottles } from "../app/list.ts";
import { age } from "./age.ts";
import { printTable } from "./render.ts";
import { sessionFor } from "./session.ts";

export async function listCommand(options: { dir: string; json?: boolean }): Promise<number> {
  const { bottles, unrecorded, statePath } = await listBottles(sessionFor(options.dir));
  if (unrecorded.length > 0) {
    console.error(
      `warning: ${unrecorded.join(", ")} running but not recorded ` +
        `in ${statePath}; restore it (deno task bottle state restore) or adopt them ` +
        "(deno task bottle state adopt --dir DIR); `deno task bottle cleanup` reaps them",
    );
  }
  if (options.json) {
    console.log(JSON.stringify({ stateDatabase: statePath, bottles }, null, 2));
    return 0;
  }
  if (bottles.length === 0) {
    console.log("No bottles. Apply one with: deno task apply");
    return 0;
  }
  const now = new Date();
  printTable([
    ["BOTTLE", "BACKEND", "HEALTH", "AGE", "AGENTS", "RESOURCES", "PROJECT"],
    ...bottles.map((b) => [
      b.bottle,
      b.backend,
      healthText(b),
      b.since === null ? "-" : age(b.since, now),
      b.agents.join(",") || "-",
      String(b.resources),
      b.project,
    ]),
  ]);
  return 0;
}

function healthText(bottle: BottleStatus): string {
  return bottle.recorded ? bottle.health : `${bottle.health}, NOT RECORDED in state`;
}
