/** `bottle state list|show|rm|check|restore|adopt`: inspect and repair the state database. */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ResourceRecord } from "../engine/state.ts";
import { acquireLock } from "../engine/lock.ts";
import {
  backupPaths,
  checkBackup,
  checkFile,
  type DatabaseCheck,
  madeAt,
  restoreState,
} from "../engine/state_backup.ts";
import { StateError } from "../engine/state_errors.ts";
import { runningBottlesOnDisk, unrecordedBottles } from "../engine/state_health.ts";
import { StateStore } from "../engine/state.ts";
import { resolveStateDir } from "../engine/state_dir.ts";
import { confirm } from "./confirm.ts";
import { UserError } from "./errors.ts";
import { lockFor, openSession } from "./session.ts";
import { refuseUnset, type UnsetSecret } from "./unset_secrets.ts";

export interface StateOptions {
  dir: string;
  json?: boolean;
  yes?: boolean;
  lockTimeout?: string;
}

/** `state list`: every recorded resource. */
export function stateListCommand(options: StateOptions): number {
  const session = openSession(options.dir);
  const records = session.store.all();
  const unrecorded = unrecordedBottles(
    runningBottlesOnDisk(session.ctx.stateDir),
    records.map((record) => record.bottle),
  );
  if (options.json) {
    console.log(JSON.stringify(
      {
        resources: records.map(summaryOf),
        unrecordedRunningBottles: unrecorded.map((bottle) => bottle.bottle),
      },
      null,
      2,
    ));
  } else if (records.length === 0) {
    console.log(`No resources are recorded in ${session.store.path}.`);
  } else {
    printTable([
      ["ID", "TYPE", "BOTTLE", "STATUS"],
      ...records.map((record) => [record.id, record.type, record.bottle, record.status]),
    ]);
  }
  warnUnrecorded(unrecorded.map((bottle) => bottle.bottle));
  return 0;
}

/** `state show ID`: one record, inputs and outputs (secrets are fingerprints). */
export function stateShowCommand(id: string, options: StateOptions): number {
  const session = openSession(options.dir);
  const record = session.store.get(id);
  if (!record) throw unknownIds([id]);
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
  const session = openSession(options.dir);
  const missing = ids.filter((id) => !session.store.get(id));
  if (missing.length > 0) throw unknownIds(missing);
  const lock = await lockFor(session, "state rm", options.lockTimeout ?? "0s");
  try {
    console.log(`These resources will be forgotten (their live objects are left as they are):`);
    for (const id of ids) console.log(`  - ${id}`);
    if (!(await confirm("Forget them?", options.yes ?? false))) {
      console.log("Nothing forgotten.");
      return 1;
    }
    for (const id of ids) {
      session.store.journal(id, "forget", "begin");
      session.store.remove(id);
      session.store.journal(id, "forget", "done", "state rm");
    }
  } finally {
    lock.release();
  }
  console.log(
    `Forgot ${ids.length} resource(s). The next plan creates them again; objects still ` +
      "running are taken over or started anew by it.",
  );
  return 0;
}

/** `state check`: integrity of the database and its backups; running bottles it misses. */
export function stateCheckCommand(options: StateOptions): number {
  const stateDir = resolveStateDir();
  const path = join(stateDir, "state.db");
  const main = existsSync(path) ? checkFile(path) : null;
  const backups = backupPaths(path).filter((file) => existsSync(file)).map((file) =>
    checkFile(file)
  );
  const recorded = main?.ok ? recordedBottles(stateDir) : [];
  const unrecorded = main?.ok
    ? unrecordedBottles(runningBottlesOnDisk(stateDir), recorded).map((bottle) => bottle.bottle)
    : [];
  if (options.json) {
    console.log(JSON.stringify({ database: main, backups, unrecordedRunningBottles: unrecorded }));
  } else {
    console.log(main ? describeCheck(main) : `${path}: missing (nothing recorded)`);
    for (const backup of backups) console.log(`${describeCheck(backup)} (backup)`);
    if (backups.length === 0) console.log("no backups yet (made before each apply and destroy)");
  }
  if (main && !main.ok) {
    throw new UserError(
      `the state database ${path} is corrupt`,
      backups.some((backup) => backup.ok)
        ? "restore the last good copy: deno task bottle state restore"
        : `move it aside (mv ${path} ${path}.corrupt) and run deno task bottle state adopt --dir DIR`,
    );
  }
  if (unrecorded.length > 0) {
    throw new UserError(
      `bottle(s) ${unrecorded.join(", ")} are running but not recorded in ${path}`,
      "deno task bottle state restore, or deno task bottle state adopt --dir DIR",
    );
  }
  return 0;
}

/** `state restore [--from FILE]`: puts a checked backup in place of the database. */
export async function stateRestoreCommand(
  options: StateOptions & { from?: string },
): Promise<number> {
  const stateDir = resolveStateDir();
  const path = join(stateDir, "state.db");
  const from = options.from ?? backupPaths(path)[0];
  const check = checkBackup(path, from);
  await refuseWhileLocked(stateDir, path);
  console.log(
    `Restore ${path} from ${from} (${check.resources} resources, made ${madeAt(from)})? ` +
      `The current database is kept beside it.`,
  );
  if (!(await confirm("Restore?", options.yes ?? false))) {
    console.log("Nothing restored.");
    return 1;
  }
  const result = restoreState(path, from);
  console.log(
    `Restored ${result.restored.resources} resources from ${from}` +
      (result.keptAs ? `; the replaced database is ${result.keptAs}` : "") +
      ".\nRun `deno task plan` to see how the live objects differ from the restored records.",
  );
  return 0;
}

/**
 * `state adopt`: records the running bottles of --dir that the state has lost, from the
 * manifests, as interrupted creates. The next plan reads each live object, as after a
 * crash: what runs as declared is settled (kept, not restarted); the rest is created.
 */
export async function stateAdoptCommand(options: StateOptions): Promise<number> {
  const session = { ...openSession(options.dir), adopting: true };
  const lock = await lockFor(session, "state adopt", options.lockTimeout ?? "0s");
  try {
    const unset: UnsetSecret[] = [];
    const { makeApplyPlan } = await import("./plan_command.ts");
    const plan = await makeApplyPlan(session, options.dir, undefined, unset);
    refuseUnset(unset);
    const orphans = new Set(
      unrecordedBottles(
        runningBottlesOnDisk(session.ctx.stateDir),
        session.store.all().map((record) => record.bottle),
      ).map((bottle) => bottle.bottle),
    );
    const adopted = plan.actions.filter((action) =>
      action.kind === "create" && action.node !== null && orphans.has(action.bottle)
    );
    if (adopted.length === 0) {
      console.log(`No running bottle of ${session.project} is missing from the state.`);
      return 0;
    }
    for (const action of adopted) {
      const node = action.node!;
      session.store.upsert({
        id: node.id,
        type: node.type,
        bottle: node.bottle,
        project: session.project,
        inputs: node.inputs,
        outputs: null,
        dependsOn: node.dependsOn,
        replaceWith: node.replaceWith,
        status: "creating",
        error: null,
      });
      session.store.journal(node.id, "adopt", "done", "state adopt");
    }
    const bottles = [...new Set(adopted.map((action) => action.bottle))];
    console.log(
      `Adopted ${adopted.length} resources of ${bottles.join(", ")}. Run \`deno task plan\`: ` +
        "what runs as declared shows as settled, the rest as changes.",
    );
    return 0;
  } finally {
    lock.release();
  }
}

/** Takes and drops the lock at once: it fails, naming the holder, while a writer runs. */
async function refuseWhileLocked(stateDir: string, path: string): Promise<void> {
  if (!existsSync(path) || statSync(path).size === 0) return;
  let store: StateStore | null = null;
  try {
    store = new StateStore(stateDir);
    (await acquireLock(store, { holder: "state restore", timeoutMs: 0 })).release();
  } catch (error) {
    // A corrupt database has no lock to respect; anything else (a holder) stops the restore.
    if (!(error instanceof StateError && error.problem === "corrupt")) throw error;
  } finally {
    store?.close();
  }
}

function recordedBottles(stateDir: string): string[] {
  const store = new StateStore(stateDir);
  try {
    return store.all().map((record) => record.bottle);
  } finally {
    store.close();
  }
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

function unknownIds(ids: string[]): UserError {
  return new UserError(
    `no resource ${ids.join(", ")} is recorded`,
    "see the recorded ids: deno task bottle state list",
  );
}

function warnUnrecorded(bottles: string[]): void {
  if (bottles.length === 0) return;
  console.error(
    `warning: bottle(s) ${bottles.join(", ")} are running but not recorded in the state; ` +
      "restore it (deno task bottle state restore) or adopt them (deno task bottle state " +
      "adopt --dir DIR)",
  );
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) {
    console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd());
  }
}
