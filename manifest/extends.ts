import { ManifestError } from "./errors.ts";
import { toBottleManifest } from "./defaults.ts";
import type { Locator } from "./positions.ts";
import type { RawBottle } from "./schema.ts";
import { didYouMean } from "./suggest.ts";
import type { BottleManifest } from "./types.ts";

/** A bottle file whose frontmatter validated, before `extends` is resolved. */
export interface BottleSource {
  name: string;
  file: string;
  raw: RawBottle;
  notes: string;
  locate: Locator;
}

export interface Resolved {
  bottles: Map<string, BottleManifest>;
  errors: ManifestError[];
}

/**
 * Resolve `extends` for every valid bottle. `existing` holds every bottle name with a file,
 * valid or not, so that a child of an invalid parent is skipped rather than misreported.
 */
export function resolveBottles(
  sources: ReadonlyMap<string, BottleSource>,
  existing: ReadonlySet<string>,
): Resolved {
  const errors = [...edgeErrors(sources, existing), ...cycleErrors(sources)];
  const bottles = new Map<string, BottleManifest>();
  for (const source of sources.values()) {
    const chain = ancestors(source.name, sources);
    if (chain === undefined) continue;
    const merged = [...chain].reverse().map((name) => sources.get(name)!.raw)
      .reduce(mergeRaw, {});
    bottles.set(
      source.name,
      toBottleManifest(source.name, source.file, mergeRaw(merged, source.raw), chain, source.notes),
    );
  }
  return { bottles, errors };
}

/** Child over parent: `env` and `git_user` merge per key, the other keys replace whole. */
export function mergeRaw(parent: RawBottle, child: RawBottle): RawBottle {
  const merged: RawBottle = {};
  const backend = child.backend ?? parent.backend;
  if (backend !== undefined) merged.backend = backend;
  if (parent.env !== undefined || child.env !== undefined) {
    merged.env = { ...parent.env, ...child.env };
  }
  const egress = child.egress ?? parent.egress;
  if (egress !== undefined) merged.egress = egress;
  const git = child.git ?? parent.git;
  if (git !== undefined) merged.git = git;
  if (parent.git_user !== undefined || child.git_user !== undefined) {
    merged.git_user = { ...parent.git_user, ...child.git_user };
  }
  const supervise = child.supervise ?? parent.supervise;
  if (supervise !== undefined) merged.supervise = supervise;
  const workspace = child.workspace ?? parent.workspace;
  if (workspace !== undefined) merged.workspace = workspace;
  return merged;
}

/** Ancestors nearest first, or undefined when the chain is broken (errors are elsewhere). */
function ancestors(name: string, sources: ReadonlyMap<string, BottleSource>): string[] | undefined {
  const chain: string[] = [];
  let parent = sources.get(name)?.raw.extends;
  while (parent !== undefined) {
    if (parent === name || chain.includes(parent) || !sources.has(parent)) return undefined;
    chain.push(parent);
    parent = sources.get(parent)?.raw.extends;
  }
  return chain;
}

function edgeErrors(
  sources: ReadonlyMap<string, BottleSource>,
  existing: ReadonlySet<string>,
): ManifestError[] {
  const errors: ManifestError[] = [];
  for (const source of sources.values()) {
    const parent = source.raw.extends;
    if (parent === undefined) continue;
    if (parent === source.name) {
      errors.push(
        atExtends(
          source,
          `bottle \`${source.name}\` extends itself`,
          "remove `extends`, or name another bottle",
        ),
      );
    } else if (!existing.has(parent)) {
      const names = [...existing].filter((name) => name !== source.name).sort();
      errors.push(
        atExtends(
          source,
          `bottle \`${source.name}\` extends \`${parent}\`, which does not exist` +
            didYouMean(parent, names),
          names.length > 0
            ? `bottles that exist: ${names.join(", ")}`
            : "create the parent bottle, or remove `extends`",
        ),
      );
    }
  }
  return errors;
}

/** One error per cycle, reported at the member whose name sorts first. */
function cycleErrors(sources: ReadonlyMap<string, BottleSource>): ManifestError[] {
  const reported = new Set<string>();
  const errors: ManifestError[] = [];
  for (const start of sources.keys()) {
    const path: string[] = [];
    let current: string | undefined = start;
    while (current !== undefined && sources.has(current) && !path.includes(current)) {
      path.push(current);
      current = sources.get(current)?.raw.extends;
    }
    if (current === undefined || !path.includes(current)) continue;
    const cycle = path.slice(path.indexOf(current));
    if (cycle.length < 2) continue;
    const first = [...cycle].sort()[0];
    if (reported.has(first)) continue;
    reported.add(first);
    const rotated = [...cycle.slice(cycle.indexOf(first)), ...cycle.slice(0, cycle.indexOf(first))];
    errors.push(
      atExtends(
        sources.get(first)!,
        `\`extends\` forms a cycle: ${[...rotated, first].join(" → ")}`,
        "a bottle cannot be its own ancestor; remove `extends` from one of these bottles",
      ),
    );
  }
  return errors;
}

function atExtends(source: BottleSource, message: string, hint: string): ManifestError {
  const { line, col } = source.locate(["extends"]);
  return new ManifestError(source.file, line, col, message, hint);
}
