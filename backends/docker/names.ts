/** The names of a bottle's containers: unique per bottle, project and state database. */
import { sha256HexLight } from "../../lib/sha256_light.ts";

export interface ContainerNames {
  agent: string;
  door: string;
}

export function containerNames(
  bottle: string,
  owner: { project: string; stateDb: string },
): ContainerNames {
  const hash = sha256HexLight(`${owner.stateDb}\0${owner.project}\0${bottle}`).slice(0, 10);
  const label = bottle.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-").replace(/^[^a-z0-9]+/, "")
    .slice(0, 40) || "x";
  const base = `bot-bottle-${label}-${hash}`;
  return { agent: base, door: `${base}-door` };
}
