/**
 * Ownership by labels: every container, image, volume and network bot-bottle makes carries
 * these, so `read`, `destroy` and `cleanup` find exactly ours (and never anybody else's).
 */

export const LABEL_PREFIX = "dev.bot-bottle";

/** What an object is to its bottle. */
export type DockerRole = "agent" | "door" | "image" | "base";

export const LABELS = {
  /** Present (value "1") on everything bot-bottle made. */
  managed: `${LABEL_PREFIX}.managed`,
  /** The project (manifest directory) the bottle was applied from. */
  project: `${LABEL_PREFIX}.project`,
  bottle: `${LABEL_PREFIX}.bottle`,
  /** The state database that records it. */
  stateDb: `${LABEL_PREFIX}.state-db`,
  role: `${LABEL_PREFIX}.role`,
  /** A content hash of what the object was made from (images). */
  contentHash: `${LABEL_PREFIX}.content-hash`,
} as const;

/** Who owns a bottle's Docker objects. */
export interface DockerOwner {
  project: string;
  bottle: string;
  stateDb: string;
}

/** The labels of one of a bottle's objects. */
export function ownerLabels(owner: DockerOwner, role: DockerRole): Record<string, string> {
  return {
    [LABELS.managed]: "1",
    [LABELS.project]: owner.project,
    [LABELS.bottle]: owner.bottle,
    [LABELS.stateDb]: owner.stateDb,
    [LABELS.role]: role,
  };
}

/** `--label K=V` pairs for `docker run` / `docker build`. */
export function labelArgs(labels: Record<string, string>): string[] {
  return Object.entries(labels).flatMap(([key, value]) => ["--label", `${key}=${value}`]);
}

/** Whether an object's labels name this owner (and role). */
export function ownedBy(
  labels: Record<string, string> | null | undefined,
  owner: DockerOwner,
  role?: DockerRole,
): boolean {
  if (!labels) return false;
  return labels[LABELS.managed] === "1" && labels[LABELS.project] === owner.project &&
    labels[LABELS.bottle] === owner.bottle && labels[LABELS.stateDb] === owner.stateDb &&
    (role === undefined || labels[LABELS.role] === role);
}
