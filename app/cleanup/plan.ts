/**
 * What is an orphan, given what cleanup observed (pure). A bottle's things are orphans when
 * the state database they belong to (the run directory's state directory, or the `state-db`
 * label) is this one and it has no record of that bottle, or when that database no longer
 * exists. A recorded bottle's things are never orphans, with one exception: the rows of a
 * bottle of which nothing is left (no process, no container, no directory) are forgotten, and
 * its image removed with them.
 */
import type { DockerObjects } from "../../backends/docker/objects.ts";
import { LABELS } from "../../backends/docker/labels.ts";
import type { RunningSandbox } from "../../backends/bwrap/running.ts";
import type { RunningSupervisor } from "../../sidecars/bundle/running.ts";
import type {
  CleanupObservation,
  CleanupPlan,
  DatabaseFate,
  Orphan,
  OrphanKind,
  OrphanTarget,
  RecordedBottle,
} from "./types.ts";

/** The order orphans are listed and reaped in: what runs first, what records it last. */
export const KIND_ORDER: readonly OrphanKind[] = [
  "sandbox",
  "door-keeper",
  "supervisor",
  "container",
  "image",
  "volume",
  "network",
  "directory",
  "rows",
];

/** The state directory and bottle of a run directory (`STATE/bottles/NAME/run`). */
export function placeOf(runDir: string): { stateDb: string; bottle: string } | null {
  const match = /^(.+)\/bottles\/([^/]+)\/run$/.exec(runDir);
  return match ? { stateDb: `${match[1]}/state.db`, bottle: match[2] } : null;
}

/** Whose a thing is: its bottle, and why it is an orphan (null: it is not one). */
interface Verdict {
  bottle: string;
  ours: boolean;
  why: string | null;
}

/** What every rule consults. */
interface Context {
  observed: CleanupObservation;
  fate: (db: string) => DatabaseFate;
  recorded: ReadonlyMap<string, RecordedBottle>;
}

const noRecords = (bottle: string): string => `bottle ${bottle} has no records`;
const gone = (db: string): string => `its state database ${db} no longer exists`;

export function planCleanup(observed: CleanupObservation): CleanupPlan {
  const context: Context = {
    observed,
    fate: (db) => observed.databases[db] ?? "unknown",
    recorded: new Map(observed.recorded.map((bottle) => [bottle.bottle, bottle])),
  };
  const processVerdict = (runDir: string, uid: number): Verdict | null =>
    processOwner(context, runDir, uid);
  const processes = [
    ...observed.sandboxes.flatMap((sandbox) => sandboxOrphans(sandbox, processVerdict)),
    ...observed.supervisors.flatMap((supervisor) => supervisorOrphans(supervisor, processVerdict)),
  ];
  const forgotten = forgottenBottles(context);
  const kept = new Map(
    [...context.recorded].filter(([name]) => !forgotten.some((bottle) => bottle.bottle === name)),
  );
  const docker = "unavailable" in observed.docker ? null : observed.docker;
  const dockerOrphans = docker === null
    ? []
    : dockerObjectOrphans(docker, kept, (labels) => objectOwner(context, kept, labels));
  const directories: Orphan[] = observed.directories.flatMap((directory) =>
    context.recorded.has(directory.bottle) ? [] : [{
      target: { kind: "directory", path: directory.path },
      bottle: directory.bottle,
      ours: true,
      what: `directory ${directory.path}${directory.workspace ? " (holds a workspace)" : ""}`,
      why: noRecords(directory.bottle),
    }]
  );
  const rows: Orphan[] = forgotten.map((bottle) => ({
    target: { kind: "rows", ids: bottle.ids },
    bottle: bottle.bottle,
    ours: true,
    what: `${bottle.ids.length} state row(s) of bottle ${bottle.bottle}: ${bottle.ids.join(", ")}`,
    why: "nothing of it runs and its directory is gone",
  }));
  const orphans = [...processes, ...dockerOrphans, ...directories, ...rows];
  return { orphans: sortByKind(orphans), notes: notesOf(observed, orphans) };
}

/**
 * A process serving `runDir` is an orphan when that run directory is this state directory's
 * and its bottle has no records, or when its state database is gone and the process is ours
 * or the sandbox owner's (never another user's).
 */
function processOwner(context: Context, runDir: string, uid: number): Verdict | null {
  const place = placeOf(runDir);
  if (!place) return null;
  const { stateDb, bottle } = place;
  if (context.fate(stateDb) === "ours") {
    return { bottle, ours: true, why: context.recorded.has(bottle) ? null : noRecords(bottle) };
  }
  const orphan = context.fate(stateDb) === "missing" && context.observed.uids.includes(uid);
  return { bottle, ours: false, why: orphan ? gone(stateDb) : null };
}

/**
 * Recorded bottles of which nothing is left: no process serves their run directory, no
 * container is labelled theirs (when docker could not be read, no bottle on docker
 * qualifies), and their directory, which holds everything else of theirs, is gone.
 */
function forgottenBottles(context: Context): RecordedBottle[] {
  const { observed, fate } = context;
  const docker = "unavailable" in observed.docker ? null : observed.docker;
  const containers = (docker?.containers ?? []).filter((container) =>
    container.labels[LABELS.managed] === "1" &&
    fate(container.labels[LABELS.stateDb] ?? "") === "ours"
  );
  const serving = new Set(
    [...observed.sandboxes, ...observed.supervisors].flatMap(({ runDir }) => {
      const place = placeOf(runDir);
      return place && fate(place.stateDb) === "ours" ? [place.bottle] : [];
    }),
  );
  return observed.recorded.filter(({ bottle, docker: onDocker }) =>
    !serving.has(bottle) &&
    !(docker === null && onDocker) &&
    !containers.some((container) => container.labels[LABELS.bottle] === bottle) &&
    !observed.directories.some((directory) => directory.bottle === bottle)
  );
}

/**
 * A labelled object (never the shared base image) is an orphan when its state database is
 * gone, or is this one and its bottle is not kept; a kept bottle's objects are judged further
 * by dockerObjectOrphans.
 */
function objectOwner(
  context: Context,
  kept: ReadonlyMap<string, RecordedBottle>,
  labels: Record<string, string>,
): Verdict | null {
  const db = labels[LABELS.stateDb];
  const bottle = labels[LABELS.bottle] ?? "-";
  if (labels[LABELS.managed] !== "1" || db === undefined || labels[LABELS.role] === "base") {
    return null;
  }
  if (context.fate(db) === "missing") return { bottle, ours: false, why: gone(db) };
  if (context.fate(db) !== "ours") return null;
  if (kept.has(bottle)) return { bottle, ours: true, why: null };
  const why = context.recorded.has(bottle)
    ? "its bottle's rows are forgotten (nothing of it runs)"
    : noRecords(bottle);
  return { bottle, ours: true, why };
}

type ProcessVerdict = (runDir: string, uid: number) => Verdict | null;

function sandboxOrphans(sandbox: RunningSandbox, verdictOf: ProcessVerdict): Orphan[] {
  const verdict = verdictOf(sandbox.runDir, sandbox.uid);
  if (!verdict?.why) return [];
  const { bottle, ours, why } = verdict;
  const { init, inner, door } = sandbox;
  const orphans: Orphan[] = [{
    target: { kind: "sandbox", init, inner, door },
    bottle,
    ours,
    what: `bwrap sandbox pid ${init.pid} (${sandbox.runDir})`,
    why,
  }];
  if (door) {
    orphans.push({
      target: { kind: "door-keeper", process: door },
      bottle,
      ours,
      what: `door keeper pid ${door.pid} of sandbox pid ${init.pid}`,
      why,
    });
  }
  return orphans;
}

function supervisorOrphans(supervisor: RunningSupervisor, verdictOf: ProcessVerdict): Orphan[] {
  const verdict = verdictOf(supervisor.runDir, supervisor.uid);
  if (!verdict?.why) return [];
  return [{
    target: { kind: "supervisor", process: supervisor.process, socket: supervisor.socket },
    bottle: verdict.bottle,
    ours: verdict.ours,
    what: `${supervisor.name} supervisor pid ${supervisor.process.pid} (${supervisor.runDir})`,
    why: verdict.why,
  }];
}

type ObjectVerdict = (labels: Record<string, string>) => Verdict | null;

/** An orphan's owner and why it is one. */
interface Judged {
  bottle: string;
  ours: boolean;
  why: string;
}

/**
 * Containers of a kept bottle are kept only when its recorded sandbox names them; images only
 * when its rows record them; and an image a remaining container runs is never an orphan.
 */
function dockerObjectOrphans(
  docker: DockerObjects,
  kept: ReadonlyMap<string, RecordedBottle>,
  verdictOf: ObjectVerdict,
): Orphan[] {
  const judge = (
    labels: Record<string, string>,
    isKept: (bottle: RecordedBottle) => boolean,
    mismatch: string,
  ): Judged | null => {
    const verdict = verdictOf(labels);
    if (!verdict) return null;
    if (verdict.why !== null) return { ...verdict, why: verdict.why };
    const bottle = kept.get(verdict.bottle);
    return bottle && isKept(bottle) ? null : { ...verdict, why: mismatch };
  };
  const orphan = (target: OrphanTarget, what: string, judged: Judged): Orphan => ({
    target,
    what,
    ...judged,
  });

  const containers = docker.containers.flatMap((container) => {
    const judged = judge(
      container.labels,
      (bottle) => bottle.containers === null || bottle.containers.includes(container.name),
      "its bottle's recorded sandbox is other containers",
    );
    const role = container.labels[LABELS.role] ?? "?";
    const what = `container ${container.name} (${role}, ${container.state})`;
    return judged
      ? [{
        id: container.id,
        orphan: orphan({ kind: "container", id: container.id }, what, judged),
      }]
      : [];
  });
  const reaped = new Set(containers.map((container) => container.id));
  const inUse = new Set(
    docker.containers.filter((container) => !reaped.has(container.id))
      .map((container) => container.image),
  );
  const images = docker.images.flatMap((image) => {
    const judged = inUse.has(image.id) ? null : judge(
      image.labels,
      (bottle) => [image.id, ...image.tags].some((ref) => bottle.images.includes(ref)),
      "its bottle records another image",
    );
    const target: OrphanTarget = { kind: "image", id: image.id, tags: image.tags };
    return judged ? [orphan(target, `image ${image.tags.join(", ") || image.id}`, judged)] : [];
  });
  const volumes = docker.volumes.flatMap((volume) => {
    const judged = judge(volume.labels, () => true, "");
    const target: OrphanTarget = { kind: "volume", name: volume.name };
    return judged ? [orphan(target, `volume ${volume.name}`, judged)] : [];
  });
  const networks = docker.networks.flatMap((network) => {
    const judged = judge(network.labels, () => true, "");
    const target: OrphanTarget = { kind: "network", id: network.id };
    return judged ? [orphan(target, `network ${network.name}`, judged)] : [];
  });
  return [...containers.map((container) => container.orphan), ...images, ...volumes, ...networks];
}

function sortByKind(orphans: Orphan[]): Orphan[] {
  const rank = (orphan: Orphan): number => KIND_ORDER.indexOf(orphan.target.kind);
  return orphans.map((orphan, index) => ({ orphan, index }))
    .sort((a, b) => rank(a.orphan) - rank(b.orphan) || a.index - b.index)
    .map(({ orphan }) => orphan);
}

function notesOf(observed: CleanupObservation, orphans: readonly Orphan[]): string[] {
  const notes: string[] = [];
  if ("unavailable" in observed.docker) {
    notes.push(
      `docker was not checked (${observed.docker.unavailable}); its objects are left alone`,
    );
  }
  const running = [
    ...new Set(
      orphans.filter((orphan) =>
        orphan.ours && ["sandbox", "supervisor"].includes(orphan.target.kind)
      ).map((orphan) => orphan.bottle),
    ),
  ];
  if (running.length > 0) {
    notes.push(
      `bottle(s) ${running.join(", ")} run without records in ${observed.statePath}: if the ` +
        "state database was lost or replaced, keep them instead with `deno task bottle state " +
        "restore` or `deno task bottle state adopt --dir DIR`",
    );
  }
  return notes;
}
