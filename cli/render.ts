/** How the CLI shows the application layer's events and results. */
import type { ApplyReport } from "../app/apply.ts";
import type { AppEvent } from "../app/events.ts";
import type { Execution } from "../app/execute.ts";
import type { UnsetSecret } from "../app/unset_secrets.ts";
import type { StepKind } from "../engine/apply.ts";
import type { Plan } from "../engine/plan.ts";
import { renderPlan } from "../engine/render.ts";
import { targetWarning } from "../engine/target.ts";

/** Colours only on a terminal, and never with NO_COLOR (or --no-color). */
export function useColor(): boolean {
  return Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
}

/** The plan as `plan` and `apply` print it, with the targeting warning when targeted. */
export function planText(plan: Plan, withNotice = true): string {
  return renderPlan(plan, { color: useColor() }) + (withNotice ? targetNotice(plan) : "");
}

/** Terraform's warning for a targeted plan; empty for a whole one. */
export function targetNotice(plan: Plan): string {
  return plan.targets && plan.targets.length > 0 ? targetWarning(plan.targets, plan.mode) : "";
}

/** One line per unset secret, for plan's warnings. */
export function unsetWarnings(unset: readonly UnsetSecret[]): string[] {
  return unset.map((item) =>
    `warning: ${item.where}: ${item.message}; apply refuses until it is there\n  hint: ${item.hint}`
  );
}

const VERB: Record<StepKind, [string, string]> = {
  create: ["Creating", "Created"],
  update: ["Updating", "Updated"],
  delete: ["Destroying", "Destroyed"],
  settle: ["Recording", "Recorded"],
};

/**
 * Prints progress: waits on stderr, each step's start and end (failures on stderr). A
 * `planned` event prints the plan (a saved one without the targeting warning: it was shown
 * when the plan was made).
 */
export function printEvent(event: AppEvent): void {
  switch (event.type) {
    case "lock-waiting":
      return console.error(
        `waiting for the state lock held by \`${event.holder.holder}\` (pid ${event.holder.pid})…`,
      );
    case "reader-waiting":
      return console.error(
        `waiting for \`${event.writer.holder}\` (pid ${event.writer.pid}) to finish before ` +
          `${event.reader} reads…`,
      );
    case "planned":
      return console.log(planText(event.plan, !event.saved));
    case "preflight":
      return;
    case "step-started":
      return console.log(`${event.step.id}: ${VERB[event.step.kind][0]}...`);
    case "step-finished":
      return console.log(
        `${event.step.id}: ${VERB[event.step.kind][1]} after ${Math.round(event.ms)}ms`,
      );
    case "step-failed":
      return console.error(
        `${event.step.id}: FAILED after ${Math.round(event.ms)}ms: ${event.error}`,
      );
    case "step-skipped":
      return console.error(`${event.step.id}: skipped (${event.because} did not succeed)`);
  }
}

/** The closing line of an apply or destroy, whatever came of it; its exit status. */
export function reportApply(report: ApplyReport): number {
  if (report.outcome === "unchanged") return 0;
  if (report.outcome === "cancelled") {
    console.log(`${report.plan.mode === "destroy" ? "Destroy" : "Apply"} cancelled.`);
    return 1;
  }
  return reportExecution(report);
}

/** The closing line of an apply or destroy that ran; its exit status. */
function reportExecution(execution: Execution): number {
  const { add, change, destroy } = execution.summary;
  if (execution.outcome === "applied") {
    const verb = execution.plan.mode === "destroy" ? "Destroy" : "Apply";
    console.log(
      `\n${verb} complete in ${
        Math.round(execution.ms)
      }ms! Resources: ${add} added, ${change} changed, ${destroy} destroyed.`,
    );
    return 0;
  }
  const { failed, skipped, done } = execution.steps;
  console.error(
    `\nApply failed: ${failed.length} step(s) failed, ${skipped.length} skipped, ` +
      `${done.length} done. State records exactly what exists; fix the cause and apply again.`,
  );
  return 1;
}

/** Left-aligned columns, two spaces apart, no trailing blanks. */
export function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) {
    console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd());
  }
}
