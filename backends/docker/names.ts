/** The names of a bottle's containers: unique per bottle, project and state database. */
import { createHash } from "node:crypto";

export interface ContainerNames {
  agent: string;
  door: string;
}

export function containerNames(
  bottle: string,
  owner: { project: string; stateDb: string },
): ContainerNames {
  const hash = createHash("sha256").update(`${owner.stateDb}\0${owner.project}\0${bottle}`)
    .digest("hex").slice(0, 10);
  const label = bottle.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-").replace(/^[^a-z0-9]+/, "")
    .slice(0, 40) || "x";
  const base = `bot-bottle-${label}-${hash}`;
  return { agent: base, door: `${base}-door` };
}
