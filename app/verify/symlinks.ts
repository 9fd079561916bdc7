/**
 * apply-symlinks, the I/O half: makes the canaries, plants the links as the agent, lets the
 * engine see the drift and apply, then compares the canaries and looks for their token. The
 * agent's home is never read, walked or changed on the host: what the planting moved aside
 * is listed inside and removed in a confined sandbox as the agent (confined_files.ts).
 */
import { join } from "node:path";
import { statSync } from "node:fs";
import { removePaths } from "../../resources/confined_files.ts";
import { searchBottle } from "./probes_secrets.ts";
import {
  asidesListed,
  type Canary,
  canaryChanges,
  type CanarySnapshot,
  cleanupScript,
  judgeSymlinks,
  plantedLinks,
  plantScript,
  type Round,
  type RoundObservation,
  roundsFor,
} from "./probes_symlinks.ts";
import { skip } from "./verdict.ts";
import type { Judgement, Probe, ProbeIO } from "./types.ts";

export async function makeCanary(): Promise<{ canary: Canary; remove: () => Promise<void> }> {
  const root = await Deno.makeTempDir({ prefix: "bb-verify-canary-" });
  const paths = { file: join(root, "canary.json"), dir: join(root, "canary.d"), token: "" };
  return { canary: await refill(paths), remove: () => Deno.remove(root, { recursive: true }) };
}

/** (Re)writes the canaries with a fresh token: each round starts from untouched ones. */
export async function refill(canary: Canary): Promise<Canary> {
  const token = `bb-verify-canary-${crypto.randomUUID()}`;
  const text = `${JSON.stringify({ bot_bottle_verify_canary: token })}\n`;
  await Deno.remove(canary.file).catch(() => {});
  await Deno.remove(canary.dir, { recursive: true }).catch(() => {});
  await Deno.writeTextFile(canary.file, text, { mode: 0o644 });
  await Deno.mkdir(canary.dir, { mode: 0o755 });
  await Deno.writeTextFile(join(canary.dir, "canary.json"), text, { mode: 0o644 });
  return { ...canary, token };
}

/** The canary file, the canary directory and each of its entries (not following links). */
export function snapshot(canary: Canary): CanarySnapshot {
  const shot: CanarySnapshot = new Map();
  const add = (path: string, content: string, dir = false): void => {
    try {
      shot.set(path, {
        dir,
        content,
        mtimeMs: Number(statSync(path, { bigint: true }).mtimeNs / 1000000n),
      });
    } catch {
      // absent: not in the snapshot
    }
  };
  const read = (path: string): string => {
    try {
      return Deno.lstatSync(path).isFile ? Deno.readTextFileSync(path) : "(not a file)";
    } catch {
      return "";
    }
  };
  add(canary.file, read(canary.file));
  let names: string[] = [];
  try {
    names = [...Deno.readDirSync(canary.dir)].map((entry) => entry.name).sort();
  } catch {
    // gone: the comparison says so
  }
  add(canary.dir, names.join("\n"), true);
  for (const name of names) add(join(canary.dir, name), read(join(canary.dir, name)));
  return shot;
}

async function runRound(io: ProbeIO, used: Canary, round: Round): Promise<RoundObservation> {
  const canary = await refill(used);
  const before = snapshot(canary);
  const planting = plantedLinks(await io.inside(plantScript(round.links)));
  const drift = await io.engine.drift();
  const apply = await io.engine.apply();
  const changes = canaryChanges(before, snapshot(canary));
  const search = await searchBottle(io, [{ label: "the canary's token", value: canary.token }]);
  const problems = [planting, search].flatMap((read) => read.ok ? [] : [read.judgement.evidence]);
  return {
    name: round.name,
    problems,
    planted: planting.ok ? planting.value.planted : [],
    failed: planting.ok ? planting.value.failed : [],
    drift,
    apply,
    canary: changes,
    tokenHits: search.ok ? search.value.hits : [],
  };
}

/**
 * Puts a named bottle's home back: the links still planted go (as the agent, inside), and
 * what the planting moved aside (the engine's own files, which the agent may not be able to
 * delete), listed inside, is removed in a confined sandbox as the agent, never following a
 * link; then the engine repairs the rest. Throws (a FAIL of the probe) when the listing is
 * not what the script prints.
 */
async function restoreHome(io: ProbeIO, rounds: readonly Round[]): Promise<void> {
  const links = [...new Set(rounds.flatMap((round) => round.links.map((link) => link.rel)))];
  const listed = asidesListed(await io.inside(cleanupScript(links)));
  if (!listed.ok) {
    throw new Error(`could not list what the planting moved aside: ${listed.judgement.evidence}`);
  }
  await removePaths(io.target.spec.homeDir, listed.value);
  await io.engine.apply();
}

export const SYMLINK_PROBES: Probe[] = [
  {
    id: "apply-symlinks.no-follow",
    group: "apply-symlinks",
    property: "apply never follows a symlink the agent planted where it writes in the home",
    destructive: true,
    run: async (io): Promise<Judgement> => {
      const writes = io.engine.homeWrites();
      if (writes.length === 0) return skip("the engine writes nothing into this bottle's home");
      const { canary, remove } = await makeCanary();
      const rounds = roundsFor(writes, canary);
      try {
        const observed: RoundObservation[] = [];
        for (const round of rounds) observed.push(await runRound(io, canary, round));
        return judgeSymlinks(observed);
      } finally {
        try {
          if (io.target.kind === "named") await restoreHome(io, rounds);
        } finally {
          await remove();
        }
      }
    },
  },
];
