/**
 * apply-symlinks, the pure half: which links the agent plants, the script that plants them,
 * and the judgement. The engine writes into the agent's home; a path component there that
 * the agent replaced with a symlink must never lead the engine's writes (or reads that end
 * up inside) to a host file.
 */
import { checkRelative } from "../../resources/confined_wire.ts";
import { decodeHex, type OutputSpec, readOutput, type ReadResult, tampered } from "./output.ts";
import type { Hit } from "./search.ts";
import { perlLine } from "./syscalls.ts";
import { fail, pass, perlQuote, shQuote } from "./verdict.ts";
import type { ApplyOutcome, HomeWrite, Judgement, ScriptResult } from "./types.ts";

export const HOME_INSIDE = "/home/agent";
/** Marks what the planting moved out of the way (`NAME.bb-verify-aside-PID`). */
export const ASIDE = ".bb-verify-aside-";

/** Host canaries: a file and a directory (holding a file), both carrying one token. */
export interface Canary {
  file: string;
  dir: string;
  token: string;
}

export interface Link {
  /** Relative to the home. */
  rel: string;
  /** The host path it points to. */
  target: string;
}

export interface Round {
  name: string;
  links: Link[];
}

/**
 * Round "files" replaces every file the engine writes (and its `.tmp`) with a link to the
 * canary file, and every directory it fills with a link to the canary directory: a write
 * through them would change a canary. Round "reads" links the files alone: an engine that
 * reads through them and writes what it read into the bottle (a JSON merge) brings the
 * canary's token inside. Round "directories" replaces the top directory of the engine's
 * nested paths (e.g. `.bot-bottle`) with a link to the canary directory. Empty rounds go.
 */
export function roundsFor(writes: readonly HomeWrite[], canary: Canary): Round[] {
  const files = writes.filter((write) => write.kind === "file");
  const dirs = writes.filter((write) => write.kind === "dir");
  const tops = [
    ...new Set(writes.filter((w) => w.path.includes("/")).map((w) => w.path.split("/")[0])),
  ];
  const rounds: Round[] = [
    {
      name: "files",
      links: [
        ...files.flatMap((write) => [
          { rel: write.path, target: canary.file },
          ...(write.viaTmp ? [{ rel: `${write.path}.tmp`, target: canary.file }] : []),
        ]),
        ...dirs.map((write) => ({ rel: write.path, target: canary.dir })),
      ],
    },
    { name: "reads", links: files.map((write) => ({ rel: write.path, target: canary.file })) },
    { name: "directories", links: tops.map((rel) => ({ rel, target: canary.dir })) },
  ];
  return rounds.filter((round) => round.links.length > 0);
}

/**
 * sh, run as the agent: plants each link, moving aside what is in the way (a directory of the
 * engine's that the agent may not write into is renamed within its parent, which the agent
 * may do). Prints `planted=REL` or `failed=REL: error` per link.
 */
export function plantScript(links: readonly Link[]): string {
  return [
    `H=${HOME_INSIDE}`,
    `aside() { mv -- "$1" "$1${ASIDE}$$" 2>/dev/null; }`,
    "plant() {",
    '  p="$H/$1"; parent=$(dirname -- "$p")',
    '  if ! mkdir -p -- "$parent" 2>/dev/null || ! [ -w "$parent" ] || ! [ -x "$parent" ]; then',
    '    top="$H/${1%%/*}"; aside "$top"; mkdir -p -- "$parent" 2>/dev/null',
    "  fi",
    '  if [ -e "$p" ] || [ -L "$p" ]; then rm -rf -- "$p" 2>/dev/null || aside "$p"; fi',
    '  if err=$(ln -sT -- "$2" "$p" 2>&1); then echo "planted=$1"',
    '  else echo "failed=$1: ${err##*: }"; fi',
    "}",
    ...links.map((link) => `plant ${shQuote(link.rel)} ${shQuote(link.target)}`),
  ].join("\n");
}

export const PLANT_OUTPUT: OutputSpec = { lists: ["planted", "failed"] };

/** What the planting did: the links planted and those it could not plant, with why. */
export function plantedLinks(
  result: ScriptResult,
): ReadResult<{ planted: string[]; failed: string[] }> {
  const read = readOutput(result, PLANT_OUTPUT);
  if (!read.ok) return read;
  return {
    ok: true,
    value: { planted: read.value.list("planted"), failed: read.value.list("failed") },
  };
}

/**
 * sh, run as the agent after the rounds: removes the links still planted, then (Perl) lists
 * what the planting moved aside anywhere in the home, as `aside=HEX(PATH)` relative to it
 * (not descending into what it lists). Nothing of the home is walked on the host.
 */
export function cleanupScript(links: readonly string[]): string {
  return [
    ...links.map((rel) => `p=${shQuote(`${HOME_INSIDE}/${rel}`)}; [ -L "$p" ] && rm -f -- "$p"`),
    perlLine([
      `use strict; use File::Find; my $h = ${perlQuote(HOME_INSIDE)};`,
      "find({ no_chdir => 1, wanted => sub { my @parts = split m{/}, $_;",
      `  return unless index($parts[-1], ${perlQuote(ASIDE)}) >= 0;`,
      '  print "aside=", unpack("H*", substr($_, length($h) + 1)), "\\n";',
      "  $File::Find::prune = 1 } }, $h);",
    ].join("\n")),
  ].join("\n");
}

export const CLEANUP_OUTPUT: OutputSpec = { lists: ["aside"] };

/** The asides the cleanup listed: plain paths relative to the home, each once. */
export function asidesListed(result: ScriptResult): ReadResult<string[]> {
  const read = readOutput(result, CLEANUP_OUTPUT);
  if (!read.ok) return read;
  const paths = new Set<string>();
  for (const hex of read.value.list("aside")) {
    const path = decodeHex(hex);
    if (path === null || !path.includes(ASIDE) || !plain(path)) {
      return tampered(`aside=${hex}`);
    }
    paths.add(path);
  }
  return { ok: true, value: [...paths] };
}

function plain(path: string): boolean {
  try {
    checkRelative(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * What a canary looked like: per path (the file, the directory, each entry) its content (a
 * directory's: its entry names) and mtime.
 */
export type CanarySnapshot = Map<string, { content: string; mtimeMs: number; dir?: boolean }>;

/** How `after` differs from `before`, in words ([] when byte-identical, same mtimes). */
export function canaryChanges(before: CanarySnapshot, after: CanarySnapshot): string[] {
  const changes: string[] = [];
  for (const [path, was] of before) {
    const now = after.get(path);
    if (!now) changes.push(`${path} is gone`);
    else if (now.content !== was.content) {
      changes.push(
        was.dir
          ? `${path} now holds ${now.content.split("\n").filter(Boolean).join(", ") || "nothing"}`
          : `${path} was rewritten: now ${JSON.stringify(now.content.slice(0, 60))}`,
      );
    } else if (now.mtimeMs !== was.mtimeMs) changes.push(`${path}'s mtime changed`);
  }
  for (const path of after.keys()) {
    if (!before.has(path)) changes.push(`${path} appeared`);
  }
  return changes;
}

export interface RoundObservation {
  name: string;
  /** Output of the round's scripts that could not be read (tampered, cut short). */
  problems: string[];
  planted: string[];
  failed: string[];
  drift: string[];
  apply: ApplyOutcome;
  canary: string[];
  tokenHits: Hit[];
}

/** One round in words: what was planted, what the engine saw and did, what became of the canary. */
function describeRound(round: RoundObservation): string {
  const list = round.planted.length > 4
    ? `${round.planted.slice(0, 4).join(", ")} +${round.planted.length - 4} more`
    : round.planted.join(", ");
  const canary = round.canary.length === 0
    ? "canary byte-identical, mtime unchanged"
    : round.canary.join("; ");
  const token = round.tokenHits.length === 0
    ? "its token nowhere inside"
    : `its token inside: ${round.tokenHits.map((hit) => hit.where).join(", ")}`;
  return `${round.name}: ` +
    (round.problems.length > 0 ? `${round.problems.join("; ")}; ` : "") +
    `planted ${list || "nothing"}` +
    (round.failed.length > 0 ? ` (could not: ${round.failed.join(", ")})` : "") +
    `; drift seen in ${round.drift.length} item(s); apply ${round.apply.ok ? "ok" : "failed"}` +
    ` (${round.apply.summary}); ${canary}; ${token}`;
}

/**
 * FAIL when a canary changed or its token got inside; also when nothing could be planted or
 * a script's output could not be read (the probe proved nothing). A failed apply alone is no FAIL: refusing is a safe answer.
 */
export function judgeSymlinks(rounds: readonly RoundObservation[]): Judgement {
  const bad = rounds.filter((round) =>
    round.problems.length > 0 || round.planted.length === 0 || round.canary.length > 0 ||
    round.tokenHits.length > 0
  );
  const evidence = [...bad, ...rounds.filter((round) => !bad.includes(round))]
    .map(describeRound)
    .join(" | ");
  return bad.length > 0 || rounds.length === 0 ? fail(evidence || "no round ran") : pass(evidence);
}
