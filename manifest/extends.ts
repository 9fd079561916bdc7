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
  const resolved = new Map<string, Lineage | null>();
  for (const source of sources.values()) {
    const lineage = lineageOf(source.name, sources, resolved);
    if (lineage === null) continue;
    bottles.set(
      source.name,
      toBottleManifest(source.name, source.file, lineage.merged, lineage.chain, source.notes),
    );
  }
  return { bottles, errors };
}

/** A bottle merged over its ancestors, and those ancestors nearest first. */
interface Lineage {
  merged: RawBottle;
  chain: string[];
}

/**
 * The lineage of `name`, each ancestor's computed once (`memo`), so that resolving every
 * bottle of a chain costs one merge per bottle. Null when the chain is broken: a cycle or a
 * missing or invalid parent (reported elsewhere).
 */
function lineageOf(
  name: string,
  sources: ReadonlyMap<string, BottleSource>,
  memo: Map<string, Lineage | null>,
): Lineage | null {
  const pending: string[] = [];
  const onPath = new Set<string>();
  let current: string | undefined = name;
  let base: Lineage | null | undefined;
  while (current !== undefined) {
    if (memo.has(current)) {
      base = memo.get(current)!;
      break;
    }
    if (onPath.has(current) || !sources.has(current)) {
      base = null;
      break;
    }
    onPath.add(current);
    pending.push(current);
    current = sources.get(current)!.raw.extends;
  }
  let lineage: Lineage | null = base === undefined ? { merged: {}, chain: [] } : base;
  let parent = base === undefined ? undefined : current;
  for (const child of pending.reverse()) {
    if (lineage !== null) {
      lineage = {
        merged: mergeRaw(lineage.merged, sources.get(child)!.raw),
        chain: parent === undefined ? [] : [parent, ...lineage.chain],
      };
    }
    memo.set(child, lineage);
    parent = child;
  }
  return lineage;
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
  if (parent.limits !== undefined || child.limits !== undefined) {
    merged.limits = { ...parent.limits, ...child.limits };
  }
  const workspace = child.workspace ?? parent.workspace;
  if (workspace !== undefined) merged.workspace = workspace;
  return merged;
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

/** One error per cycle, reported at the member whose name sorts first; linear overall. */
function cycleErrors(sources: ReadonlyMap<string, BottleSource>): ManifestError[] {
  const done = new Set<string>();
  const errors: ManifestError[] = [];
  for (const start of sources.keys()) {
    const path: string[] = [];
    const index = new Map<string, number>();
    let current: string | undefined = start;
    while (current !== undefined && sources.has(current) && !done.has(current)) {
      if (index.has(current)) break;
      index.set(current, path.length);
      path.push(current);
      current = sources.get(current)?.raw.extends;
    }
    for (const name of path) done.add(name);
    if (current === undefined || !index.has(current)) continue;
    const cycle = path.slice(index.get(current));
    if (cycle.length < 2) continue;
    const first = [...cycle].sort()[0];
    const at = cycle.indexOf(first);
    const rotated = [...cycle.slice(at), ...cycle.slice(0, at)];
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
