import type { RawBottle } from "./schema.ts";
import { SUPERVISE_KINDS } from "./supervise_schema.ts";
import type { BottleManifest, SuperviseKind, SuperviseSpec } from "./types.ts";

/** A bottle's final shape: the merged frontmatter with every default filled in. */
export function toBottleManifest(
  name: string,
  file: string,
  raw: RawBottle,
  extendsChain: string[],
  notes: string,
): BottleManifest {
  const manifest = structuredClone({
    name,
    file,
    backend: raw.backend ?? "bwrap",
    env: raw.env ?? {},
    egress: raw.egress ?? { allow: [], deny: [], routes: [] },
    git: raw.git ?? {},
    ...(raw.git_user === undefined ? {} : { git_user: raw.git_user }),
    supervise: superviseSpec(raw.supervise),
    limits: { ...LIMIT_DEFAULTS, ...raw.limits },
    ...(raw.workspace === undefined ? {} : { workspace: raw.workspace }),
  });
  // Cloned apart: a chain of n bottles has O(n²) names in all, and a plain copy is cheap.
  return { ...manifest, extends_chain: [...extendsChain], notes };
}

/** Sane for an agent running builds and tests; raise them in the manifest as needed. */
export const LIMIT_DEFAULTS = { memory: "4g", cpus: 2, pids: 1024 } as const;

export const SUPERVISE_DEFAULTS = {
  wait_seconds: 55,
  max_pending: 10,
  per_hour: 30,
} as const;

/** `supervise:` as written, with its defaults filled in. */
export function superviseSpec(raw: RawBottle["supervise"]): SuperviseSpec {
  return {
    enabled: raw?.enabled ?? false,
    wait_seconds: raw?.wait_seconds ?? SUPERVISE_DEFAULTS.wait_seconds,
    kinds: [...new Set<SuperviseKind>(raw?.kinds ?? SUPERVISE_KINDS)],
    max_pending: raw?.max_pending ?? SUPERVISE_DEFAULTS.max_pending,
    per_hour: raw?.per_hour ?? SUPERVISE_DEFAULTS.per_hour,
    ...(raw?.notify === undefined ? {} : { notify: [...raw.notify] }),
  };
}
