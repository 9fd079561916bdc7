import type { JsonValue } from "../lib/json.ts";
import { canonicalJson } from "../lib/json.ts";
import type { Plan, PlannedAction } from "./plan.ts";
import { summarize } from "./plan.ts";

export interface RenderOptions {
  color: boolean;
}

const SYMBOL: Record<PlannedAction["kind"], string> = {
  create: "  +",
  update: "  ~",
  replace: "-/+",
  delete: "  -",
  noop: "   ",
  settle: "   ",
};

const HEADLINE: Record<PlannedAction["kind"], string> = {
  create: "will be created",
  update: "will be updated in-place",
  replace: "must be replaced",
  delete: "will be destroyed",
  noop: "is up to date",
  settle: "",
};

const COLOR: Record<PlannedAction["kind"], string> = {
  create: "\x1b[32m",
  update: "\x1b[33m",
  replace: "\x1b[35m",
  delete: "\x1b[31m",
  noop: "",
  settle: "",
};

/** Terraform-style text for a plan. */
export function renderPlan(plan: Plan, options: RenderOptions): string {
  const paint = (kind: PlannedAction["kind"], text: string): string =>
    options.color && COLOR[kind] ? `${COLOR[kind]}${text}\x1b[0m` : text;
  const visible = plan.actions.filter((action) =>
    action.kind !== "noop" && action.kind !== "settle"
  );
  const lines: string[] = [];
  if (visible.length === 0) {
    const settled = plan.actions.filter((action) => action.kind === "settle").length;
    lines.push("No changes. Live resources match the manifests.");
    if (settled > 0) {
      lines.push(`(${settled} interrupted step(s) found complete; apply records them.)`);
    }
    return lines.join("\n") + "\n";
  }
  lines.push("bot-bottle will perform the following actions:", "");
  for (const action of visible) {
    lines.push(`  # ${action.id} ${HEADLINE[action.kind]}`);
    for (const reason of action.reasons) lines.push(`  # (${reason})`);
    const notes = action.node?.notes?.length ? `  # ${action.node.notes.join("; ")}` : "";
    lines.push(
      paint(action.kind, `${SYMBOL[action.kind]} ${action.id}`) + ` (${action.type})${notes}`,
    );
    lines.push(...renderAttributes(action).map((line) => `      ${line}`));
    lines.push("");
  }
  const { add, change, destroy } = summarize(plan);
  lines.push(`Plan: ${add} to add, ${change} to change, ${destroy} to destroy.`);
  return lines.join("\n") + "\n";
}

function renderAttributes(action: PlannedAction): string[] {
  const after = action.node?.inputs ?? {};
  const before = action.before ?? {};
  if (action.kind === "create") {
    return Object.keys(after).sort().map((key) => `+ ${key} = ${short(after[key])}`);
  }
  if (action.kind === "delete") {
    return Object.keys(before).sort().map((key) => `- ${key} = ${short(before[key])}`);
  }
  return action.changed.map((key) => {
    const note = action.forcesReplacement.includes(key) ? "  # forces replacement" : "";
    return `~ ${key} = ${short(before[key])} -> ${short(after[key])}${note}`;
  });
}

function short(value: JsonValue | undefined): string {
  if (value === undefined) return "(none)";
  const text = canonicalJson(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** The JSON form of a plan for `--json`: stable, without internal records. */
export function planJson(plan: Plan): JsonValue {
  return {
    format: plan.format,
    mode: plan.mode,
    project: plan.project,
    serial: plan.serial,
    summary: { ...summarize(plan) },
    actions: plan.actions.map((action) => ({
      id: action.id,
      type: action.type,
      bottle: action.bottle,
      action: action.kind,
      reasons: action.reasons,
      notes: action.node?.notes ?? [],
      changed: action.changed,
      forces_replacement: action.forcesReplacement,
      before: action.before,
      after: action.node?.inputs ?? null,
    })),
  };
}
