import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { detectDrift, renderDrift } from "../engine/drift.ts";
import { forceUnlock, readHolder } from "../engine/lock.ts";
import { readLive } from "../engine/refresh.ts";
import { bottleDir } from "../engine/state_dir.ts";
import {
  assertNoUnrecordedBottles,
  runningBottlesOnDisk,
  unrecordedBottles,
} from "../engine/state_health.ts";
import { UserError } from "./errors.ts";
import { openSession } from "./session.ts";
import { readWithoutWriters } from "./read_lock.ts";
import { assertProjectExists } from "./project_check.ts";

export interface DriftOptions {
  dir: string;
  json?: boolean;
  all?: boolean;
  /** `--lock-timeout`: how long to wait for an apply or destroy in progress. */
  lockTimeout?: string;
}

/** Refresh-only: compares live objects with recorded state; 2 when anything drifted. */
export async function driftCommand(options: DriftOptions): Promise<number> {
  const session = openSession(options.dir);
  if (!options.all) assertProjectExists(session, options.dir);
  assertNoUnrecordedBottles(session.store, "drift cannot compare them with anything");
  const items = await readWithoutWriters(session, "drift", options.lockTimeout, async () => {
    const records = options.all ? session.store.all() : session.store.forProject(session.project);
    return detectDrift(records, await readLive(records, session.providers, session.ctx));
  });
  if (options.json) console.log(JSON.stringify({ drifted: items.length > 0, items }, null, 2));
  else console.log(renderDrift(items));
  return items.length > 0 ? 2 : 0;
}

export async function listCommand(options: { dir: string; json?: boolean }): Promise<number> {
  const session = openSession(options.dir);
  const records = session.store.all();
  const reads = await readLive(records, session.providers, session.ctx);
  const bottles = [...new Set(records.map((record) => record.bottle))].sort().map((name) => {
    const own = records.filter((record) => record.bottle === name);
    const sandbox = own.find((record) => record.type === "sandbox");
    const unhealthy = own.filter((record) => {
      const read = reads.get(record.id);
      return read?.status !== "found" || read.drift.length > 0;
    });
    return {
      bottle: name,
      project: own[0].project,
      backend: String(sandbox?.inputs.backend ?? "-"),
      status: unhealthy.length === 0
        ? "running"
        : `degraded (${unhealthy.map((r) => r.type).join(", ")})`,
      resources: own.length,
    };
  });
  const unrecorded = unrecordedBottles(
    runningBottlesOnDisk(session.ctx.stateDir),
    records.map((record) => record.bottle),
  );
  for (const live of unrecorded) {
    bottles.push({
      bottle: live.bottle,
      project: "-",
      backend: "-",
      status: "running, NOT RECORDED in state",
      resources: 0,
    });
  }
  if (unrecorded.length > 0) {
    console.error(
      `warning: ${unrecorded.map((live) => live.bottle).join(", ")} running but not recorded ` +
        `in ${session.store.path}; restore it (deno task bottle state restore) or adopt them ` +
        "(deno task bottle state adopt --dir DIR)",
    );
  }
  if (options.json) {
    console.log(JSON.stringify({ bottles }, null, 2));
    return 0;
  }
  if (bottles.length === 0) {
    console.log("No bottles. Apply one with: deno task apply");
    return 0;
  }
  const rows = [["BOTTLE", "BACKEND", "STATUS", "RESOURCES", "PROJECT"]];
  for (const b of bottles) {
    rows.push([b.bottle, b.backend, b.status, String(b.resources), b.project]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) {
    console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd());
  }
  return 0;
}

export function forceUnlockCommand(options: { dir: string }): number {
  const session = openSession(options.dir);
  const holder = forceUnlock(session.store);
  if (!holder) console.log("The state was not locked.");
  else {console.log(
      `Removed the lock held by \`${holder.holder}\` (pid ${holder.pid} on ${holder.host}).`,
    );}
  return 0;
}

export function lockStatus(options: { dir: string }): number {
  const holder = readHolder(openSession(options.dir).store);
  console.log(holder ? JSON.stringify(holder) : "unlocked");
  return 0;
}

/** `bottle logs BOTTLE --egress [--follow]`: the egress proxy's audit lines. */
export async function logsCommand(
  bottle: string,
  options: { dir: string; egress?: boolean; follow?: boolean },
): Promise<number> {
  const session = openSession(options.dir);
  const file = join(
    bottleDir(session.ctx.stateDir, bottle),
    "logs",
    options.egress ? "egress.jsonl" : "bundle.log",
  );
  if (!existsSync(file)) {
    if (!session.store.forBottle(bottle).length) {
      throw new UserError(`no bottle named "${bottle}" is applied`, "see: deno task bottle list");
    }
    if (!options.follow) return 0;
  }
  let offset = 0;
  const printFrom = (): void => {
    if (!existsSync(file)) return;
    const size = statSync(file).size;
    if (size < offset) offset = 0;
    if (size === offset) return;
    const text = readFileSync(file).subarray(offset, size);
    offset = size;
    Deno.stdout.writeSync(text);
  };
  printFrom();
  while (options.follow) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    printFrom();
  }
  return 0;
}
