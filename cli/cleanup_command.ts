/** `cleanup`: lists the orphans of crashed runs on every backend, asks once, reaps them. */
import {
  cleanup,
  type CleanupPlan,
  type CleanupReport,
  type Orphan,
  type OrphanKind,
  type ReapResult,
} from "../app/cleanup/mod.ts";
import { confirm } from "./confirm.ts";
import { UserError } from "./errors.ts";
import { printEvent } from "./render.ts";
import { sessionFor } from "./session.ts";

export interface CleanupOptions {
  dir: string;
  yes?: boolean;
  json?: boolean;
  dryRun?: boolean;
  lockTimeout: string;
}

const GROUPS: { title: string; kinds: readonly OrphanKind[] }[] = [
  { title: "processes", kinds: ["sandbox", "door-keeper", "supervisor"] },
  { title: "docker objects", kinds: ["container", "image", "volume", "network"] },
  { title: "directories", kinds: ["directory"] },
  { title: "state rows", kinds: ["rows"] },
];

export async function cleanupCommand(options: CleanupOptions): Promise<number> {
  const json = options.json ?? false;
  const report = await cleanup(sessionFor(options.dir), {
    lockTimeout: options.lockTimeout,
    onEvent: json ? undefined : printEvent,
    approve: (plan) => approve(plan, options),
    onReaped: json ? undefined : printResult,
  });
  if (json) {
    console.log(JSON.stringify(jsonOf(report, options.dryRun ?? false), null, 2));
  } else if (report.outcome === "clean") {
    console.log(`No orphans (state database ${report.statePath}).`);
  } else if (report.outcome === "cancelled") {
    if (!options.dryRun) console.log("Cleanup cancelled.");
  } else {
    const count = (outcome: ReapResult["outcome"]): number =>
      report.results.filter((result) => result.outcome === outcome).length;
    console.log(
      `\nCleanup complete in ${Math.round(report.observeMs + report.reapMs)}ms: ` +
        `${count("reaped")} reaped, ${count("failed")} failed, ${count("skipped")} skipped.`,
    );
  }
  const reaped = report.results.every((result) => result.outcome === "reaped");
  if (report.outcome === "cancelled") return options.dryRun ? 0 : 1;
  return reaped ? 0 : 1;
}

/** Shows the orphans, then asks: without a terminal (or with --json) only --yes approves. */
async function approve(plan: CleanupPlan, options: CleanupOptions): Promise<boolean> {
  if (!options.json) printPlan(plan);
  if (options.dryRun) return false;
  if (options.yes) return true;
  if (options.json || !Deno.stdin.isTerminal()) {
    throw new UserError(
      `refusing to reap ${plan.orphans.length} orphan(s) without confirmation: ` +
        (options.json ? "--json never asks" : "stdin is not a terminal"),
      "review them with `deno task bottle cleanup --dry-run`, then pass --yes",
    );
  }
  return await confirm(`Reap these ${plan.orphans.length} orphans?`, false);
}

function printPlan(plan: CleanupPlan): void {
  console.log("Orphans of crashed runs:");
  for (const group of GROUPS) {
    const orphans = plan.orphans.filter((orphan) => group.kinds.includes(orphan.target.kind));
    if (orphans.length === 0) continue;
    console.log(`\n  ${group.title} (${orphans.length}):`);
    for (const orphan of orphans) console.log(`    ${orphan.what}\n      ${orphan.why}`);
  }
  for (const note of plan.notes) console.log(`\nnote: ${note}`);
  console.log("");
}

function printResult(result: ReapResult): void {
  const line = `${result.outcome.padEnd(7)} ${result.orphan.what}`;
  if (result.outcome === "reaped") console.log(line);
  else console.error(`${line}: ${result.detail}`);
}

interface JsonOrphan {
  kind: OrphanKind;
  bottle: string;
  ours: boolean;
  what: string;
  why: string;
  result?: ReapResult["outcome"];
  detail?: string;
}

interface JsonReport {
  stateDatabase: string;
  /** `listed` for --dry-run. */
  outcome: CleanupReport["outcome"] | "listed";
  orphans: JsonOrphan[];
  notes: string[];
  observeMs: number;
  reapMs: number;
}

function jsonOf(report: CleanupReport, dryRun: boolean): JsonReport {
  const orphans = report.plan.orphans.map((orphan: Orphan): JsonOrphan => {
    const result = report.results.find((candidate) => candidate.orphan === orphan);
    return {
      kind: orphan.target.kind,
      bottle: orphan.bottle,
      ours: orphan.ours,
      what: orphan.what,
      why: orphan.why,
      ...(result ? { result: result.outcome } : {}),
      ...(result?.detail ? { detail: result.detail } : {}),
    };
  });
  return {
    stateDatabase: report.statePath,
    outcome: dryRun && report.outcome === "cancelled" ? "listed" : report.outcome,
    orphans,
    notes: report.plan.notes,
    observeMs: Math.round(report.observeMs),
    reapMs: Math.round(report.reapMs),
  };
}
