/**
 * apply-symlinks, the I/O half: makes the canaries, plants the links as the agent, lets the
 * engine see the drift and apply, then compares the canaries and looks for their token.
 */
import { join } from "node:path";
import { statSync } from "node:fs";
import { searchBottle } from "./probes_secrets.ts";
import {
  ASIDE,
  type Canary,
  canaryChanges,
  type CanarySnapshot,
  HOME_INSIDE,
  judgeSymlinks,
  plantScript,
  type Round,
  type RoundObservation,
  roundsFor,
} from "./probes_symlinks.ts";
import { fields, shQuote, skip } from "./verdict.ts";
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
  const planting = await io.inside(plantScript(round.links));
  const found = fields(planting.stdout);
  const drift = await io.engine.drift();
  const apply = await io.engine.apply();
  const changes = canaryChanges(before, snapshot(canary));
  const search = await searchBottle(io, [{ label: "the canary's token", value: canary.token }]);
  return {
    name: round.name,
    planted: found.get("planted") ?? [],
    failed: found.get("failed") ?? [],
    drift,
    apply,
    canary: changes,
    tokenHits: search.hits,
  };
}

/** Removes what is left of the planted links, as the agent (they are its own). */
function cleanupScript(rounds: readonly Round[]): string {
  const links = rounds.flatMap((round) => round.links.map((link) => link.rel));
  return [
    ...links.map((rel) => `p=${shQuote(`${HOME_INSIDE}/${rel}`)}; [ -L "$p" ] && rm -f -- "$p"`),
    "true",
  ].join("\n");
}

/**
 * Removes, on the host, what the planting moved aside (the engine's own files, which the
 * agent may not be able to delete). Only real directories are descended into, and removal
 * never follows a symlink.
 */
export function removeAsides(dir: string): void {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.name.includes(ASIDE)) Deno.removeSync(path, { recursive: true });
    else if (entry.isDirectory && !entry.isSymlink) removeAsides(path);
  }
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
        if (io.target.kind === "named") {
          await io.inside(cleanupScript(rounds));
          removeAsides(io.target.spec.homeDir);
          await io.engine.apply();
        }
        await remove();
      }
    },
  },
];
