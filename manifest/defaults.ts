import type { RawBottle } from "./schema.ts";
import type { BottleManifest } from "./types.ts";

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
    supervise: raw.supervise ?? { enabled: false },
    ...(raw.workspace === undefined ? {} : { workspace: raw.workspace }),
  });
  // Cloned apart: a chain of n bottles has O(n²) names in all, and a plain copy is cheap.
  return { ...manifest, extends_chain: [...extendsChain], notes };
}
