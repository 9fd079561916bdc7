/** What `bottle cleanup` observes, and the orphans it finds there (see plan.ts). */
import type { DockerObjects } from "../../backends/docker/objects.ts";
import type { RunningSandbox } from "../../backends/bwrap/running.ts";
import type { RunningSupervisor } from "../../sidecars/bundle/running.ts";
import type { ProcessIdentity } from "../../lib/process.ts";

/** A bottle the state records, as far as cleanup needs to know it. */
export interface RecordedBottle {
  bottle: string;
  /** Its resource ids. */
  ids: string[];
  /**
   * The docker containers its recorded sandbox names (those a handle records and those its
   * inputs name); null when its sandbox row cannot be read (then none of its is touched).
   */
  containers: string[] | null;
  /** The tags and ids of the images its rows record (the image resource, the sandbox's). */
  images: string[];
  /** Whether anything of it is on docker (its sandbox, its image). */
  docker: boolean;
}

/** A directory under the state directory's `bottles/`. */
export interface BottleDirectory {
  bottle: string;
  path: string;
  /** It holds a non-empty workspace (the agent's work, lost with it). */
  workspace: boolean;
}

/** Whether the state database a process's or an object's label names exists. */
export type DatabaseFate = "ours" | "exists" | "missing" | "unknown";

export interface CleanupObservation {
  /** This state database. */
  statePath: string;
  recorded: RecordedBottle[];
  sandboxes: RunningSandbox[];
  supervisors: RunningSupervisor[];
  /** Directories under this state directory's `bottles/`. */
  directories: BottleDirectory[];
  /** Docker's objects, or why they could not be read. */
  docker: DockerObjects | { unavailable: string };
  /** The fate of each state database named by a run directory or a label, by path. */
  databases: Readonly<Record<string, DatabaseFate>>;
  /** Whose processes may be stopped for a state database that is gone: ours, the sandbox owner's. */
  uids: readonly number[];
}

/** What reaping an orphan acts on. */
export type OrphanTarget =
  | { kind: "sandbox"; init: ProcessIdentity; inner: ProcessIdentity; door: ProcessIdentity | null }
  | { kind: "door-keeper"; process: ProcessIdentity }
  | { kind: "supervisor"; process: ProcessIdentity; socket: string | null }
  | { kind: "container"; id: string }
  | { kind: "image"; id: string; tags: string[] }
  | { kind: "volume"; name: string }
  | { kind: "network"; id: string }
  | { kind: "directory"; path: string }
  | { kind: "rows"; ids: string[] };

export type OrphanKind = OrphanTarget["kind"];

export interface Orphan {
  target: OrphanTarget;
  /** The bottle it belonged to. */
  bottle: string;
  /** Whether that bottle is of this state database (else of one that is gone). */
  ours: boolean;
  /** What it is, for a human. */
  what: string;
  /** Why it is an orphan. */
  why: string;
}

export interface CleanupPlan {
  /** In the order they are reaped: processes, docker objects, directories, state rows. */
  orphans: Orphan[];
  /** What the operator should know: docker not checked, bottles the state may have lost. */
  notes: string[];
}
