/**
 * What cleanup looks at, read once under the state lock: the records, every bot-bottle
 * process on the host (sandboxes, door keepers, sidecar supervisors), the bottle directories
 * of this state directory, Docker's labelled objects, and whether each state database those
 * name still exists.
 */
import { lstatSync, readdirSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { runningSandboxes } from "../../backends/bwrap/running.ts";
import { sandboxOwner } from "../../backends/bwrap/owner.ts";
import { LABELS } from "../../backends/docker/labels.ts";
import { type DockerObjects, observeDocker } from "../../backends/docker/objects.ts";
import { runningSupervisors } from "../../sidecars/bundle/running.ts";
import type { Session } from "../session.ts";
import { placeOf } from "./plan.ts";
import { recordedBottles } from "./recorded.ts";
import type { BottleDirectory, CleanupObservation, DatabaseFate } from "./types.ts";

export async function observeCleanup(session: Session): Promise<CleanupObservation> {
  const statePath = session.store.path;
  const docker = await observeDocker().catch((error: unknown) => ({
    unavailable: error instanceof Error ? error.message : String(error),
  }));
  const sandboxes = runningSandboxes();
  const supervisors = runningSupervisors();
  const named = [
    ...[...sandboxes, ...supervisors].flatMap(({ runDir }) => placeOf(runDir)?.stateDb ?? []),
    ...("unavailable" in docker ? [] : labelledDatabases(docker)),
  ];
  return {
    statePath,
    recorded: recordedBottles(session.store.all()),
    sandboxes,
    supervisors,
    directories: bottleDirectories(dirname(statePath)),
    docker,
    databases: Object.fromEntries(
      [...new Set([statePath, ...named])].map((path) => [path, fateOf(path, statePath)]),
    ),
    uids: operatorUids(),
  };
}

function labelledDatabases(docker: DockerObjects): string[] {
  return [...docker.containers, ...docker.images, ...docker.volumes, ...docker.networks]
    .flatMap((object) => object.labels[LABELS.stateDb] ?? []);
}

/** "ours" for this database by any spelling of its path; else whether the file exists. */
function fateOf(path: string, statePath: string): DatabaseFate {
  if (path === statePath) return "ours";
  if (!isAbsolute(path)) return "unknown";
  const real = (file: string): string | null => {
    try {
      return join(realpathSync(dirname(file)), file.slice(dirname(file).length + 1));
    } catch {
      return null;
    }
  };
  const mine = real(statePath);
  if (mine !== null && real(path) === mine) return "ours";
  try {
    Deno.lstatSync(path);
    return "exists";
  } catch (error) {
    const gone = error instanceof Deno.errors.NotFound ||
      error instanceof Deno.errors.NotADirectory;
    return gone ? "missing" : "unknown";
  }
}

/** The directories under `stateDir/bottles` (links are not bottle directories). */
function bottleDirectories(stateDir: string): BottleDirectory[] {
  const root = join(stateDir, "bottles");
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  return entries.sort().flatMap((bottle) => {
    const path = join(root, bottle);
    if (!lstatSync(path, { throwIfNoEntry: false })?.isDirectory()) return [];
    return [{ bottle, path, workspace: hasEntries(join(path, "workspace")) }];
  });
}

function hasEntries(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

/** The operator's uid and the sandbox owner's (the same for an ordinary operator). */
function operatorUids(): number[] {
  const uids = [Deno.uid() ?? 0];
  try {
    uids.push(sandboxOwner().uid);
  } catch {
    // no sandbox account yet: no bottle ever ran as it
  }
  return [...new Set(uids)];
}
