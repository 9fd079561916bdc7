/** `bottle state list|show|rm|check|restore|adopt`: inspect and repair the state database. */
import { forgetResources, stateResource, stateResources } from "../app/state.ts";
import {
  adoptRunningBottles,
  assertStateHealthy,
  checkState,
  restoreStateBackup,
} from "../app/state_repair.ts";
import type { DatabaseCheck } from "../engine/state_backup.ts";
import type { ResourceRecord } from "../engine/state.ts";
import { confirm } from "./confirm.ts";
import { printEvent, printTable } from "./render.ts";
import { sessionFor } from "./session.ts";

export interface StateOptions {
  dir: string;
  json?: boolean;
  yes?: boolean;
  lockTimeout?: string;
}

/** `state list`: every recorded resource. */
export function stateListCommand(options: StateOptions): number {
  const { resources, unrecordedRunningBottles, statePath } = stateResources(
    sessionFor(options.dir),
  );
  if (options.json) {
    console.log(JSON.stringify(
      { resources: resources.map(summaryOf), unrecordedRunningBottles },
      null,
      2,
    ));
  } else if (resources.length === 0) {
    console.log(`No resources are recorded in ${statePath}.`);
  } else {
    printTable([
      ["ID", "TYPE", "BOTTLE", "STATUS"],
      ...resources.map((record) => [record.id, record.type, record.bottle, record.status]),
    ]);
  }
  warnUnrecorded(unrecordedRunningBottles);
  return 0;
}

/** `state show ID`: one record, inputs and outputs (secrets are fingerprints). */
export function stateShowCommand(id: string, options: StateOptions): number {
  const record = stateResource(sessionFor(options.dir), id);
  if (options.json) {
    console.log(JSON.stringify(record, null, 2));
    return 0;
  }
  const indent = (value: unknown): string =>
    JSON.stringify(value, null, 2).split("\n").join("\n  ");
  console.log(
    [
      `id:         ${record.id}`,
      `type:       ${record.type}`,
      `bottle:     ${record.bottle}`,
      `project:    ${record.project}`,
      `status:     ${record.status}`,
      `updated:    ${record.updatedAt}`,
      ...(record.error ? [`error:      ${record.error}`] : []),
      `depends on: ${record.dependsOn.join(", ") || "-"}`,
      `inputs:\n  ${indent(record.inputs)}`,
      `outputs:\n  ${indent(record.outputs)}`,
    ].join("\n"),
  );
  return 0;
}

/** `state rm ID…`: forget resources without touching the live objects. */
export async function stateRmCommand(ids: string[], options: StateOptions): Promise<number> {
  const report = await forgetResources(sessionFor(options.dir), ids, {
    lockTimeout: options.lockTimeout,
    onEvent: printEvent,
    approve: (forgotten) => {
      console.log(`These resources will be forgotten (their live objects are left as they are):`);
      for (const id of forgotten) console.log(`  - ${id}`);
      return confirm("Forget them?", options.yes ?? false);
    },
  });
  if (report.outcome === "cancelled") {
    console.log("Nothing forgotten.");
    return 1;
  }
  console.log(
    `Forgot ${report.ids.length} resource(s). The next plan creates them again; objects still ` +
      "running are taken over or started anew by it.",
  );
  return 0;
}

/** `state check`: integrity of the database and its backups; running bottles it misses. */
export function stateCheckCommand(options: StateOptions): number {
  const check = checkState();
  const { path, database, backups } = check;
  if (options.json) {
    console.log(JSON.stringify({
      database,
      backups,
      unrecordedRunningBottles: check.unrecordedRunningBottles,
    }));
  } else {
    console.log(database ? describeCheck(database) : `${path}: missing (nothing recorded)`);
    for (const backup of backups) console.log(`${describeCheck(backup)} (backup)`);
    if (backups.length === 0) console.log("no backups yet (made before each apply and destroy)");
  }
  assertStateHealthy(check);
  return 0;
}

/** `state restore [--from FILE]`: puts a checked backup in place of the database. */
export async function stateRestoreCommand(
  options: StateOptions & { from?: string },
): Promise<number> {
  const report = await restoreStateBackup({
    from: options.from,
    approve: (candidate) => {
      console.log(
        `Restore ${candidate.path} from ${candidate.from} (${candidate.resources} resources, ` +
          `made ${candidate.madeAt})? The current database is kept beside it.`,
      );
      return confirm("Restore?", options.yes ?? false);
    },
  });
  if (report.outcome === "cancelled") {
    console.log("Nothing restored.");
    return 1;
  }
  const { from } = report.candidate;
  const { restored, keptAs } = report.result;
  console.log(
    `Restored ${restored.resources} resources from ${from}` +
      (keptAs ? `; the replaced database is ${keptAs}` : "") +
      ".\nRun `deno task plan` to see how the live objects differ from the restored records.",
  );
  return 0;
}

/**
 * `state adopt`: records the running bottles of --dir that the state has lost, from the
 * manifests, as interrupted creates; the next plan settles what runs as declared.
 */
export async function stateAdoptCommand(options: StateOptions): Promise<number> {
  const session = sessionFor(options.dir);
  const report = await adoptRunningBottles(session, {
    lockTimeout: options.lockTimeout,
    onEvent: printEvent,
  });
  if (report.adopted === 0) {
    console.log(`No running bottle of ${session.project} is missing from the state.`);
    return 0;
  }
  console.log(
    `Adopted ${report.adopted} resources of ${report.bottles.join(", ")}. Run ` +
      "`deno task plan`: what runs as declared shows as settled, the rest as changes.",
  );
  return 0;
}

function describeCheck(check: DatabaseCheck): string {
  return check.ok
    ? `${check.path}: ok (${check.resources} resources)`
    : `${check.path}: CORRUPT: ${check.problems.join("; ")}`;
}

function summaryOf(record: ResourceRecord): Record<string, string> {
  return {
    id: record.id,
    type: record.type,
    bottle: record.bottle,
    project: record.project,
    status: record.status,
  };
}

function warnUnrecorded(bottles: string[]): void {
  if (bottles.length === 0) return;
  console.error(
    `warning: bottle(s) ${bottles.join(", ")} are running but not recorded in the state; ` +
      "restore it (deno task bottle state restore) or adopt them (deno task bottle state " +
      "adopt --dir DIR)",
  );
}
