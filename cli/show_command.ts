import type { ResourceRecord } from "../engine/state.ts";
import { planJson, renderPlan } from "../engine/render.ts";
import { canonicalJson, type JsonObject } from "../lib/json.ts";
import { allProviders } from "../resources/mod.ts";
import { fromCaller } from "./caller_dir.ts";
import { readPlanFile } from "./plan_file_io.ts";
import { assertProjectExists } from "./project_check.ts";
import { openSession } from "./session.ts";

export interface ShowOptions {
  dir: string;
  json?: boolean;
}

const useColor = (): boolean => Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");

/**
 * `show PLANFILE`: a saved plan, as `plan` printed it. `show`: the resources recorded for
 * --dir's project, with their inputs and outputs (state holds no secret values).
 */
export function showCommand(planFile: string | undefined, options: ShowOptions): number {
  if (planFile !== undefined) {
    const plan = readPlanFile(fromCaller(planFile), new Set(allProviders().keys()));
    if (options.json) console.log(JSON.stringify(planJson(plan), null, 2));
    else console.log(renderPlan(plan, { color: useColor() }));
    return 0;
  }
  const session = openSession(options.dir);
  try {
    assertProjectExists(session, options.dir);
    const records = session.store.forProject(session.project);
    if (options.json) {
      console.log(JSON.stringify(stateJson(session.project, records), null, 2));
    } else console.log(renderState(session.project, records));
    return 0;
  } finally {
    session.store.close();
  }
}

export function stateJson(project: string, records: ResourceRecord[]): JsonObject {
  return {
    project,
    resources: records.map((record) => ({
      id: record.id,
      type: record.type,
      bottle: record.bottle,
      status: record.status,
      inputs: record.inputs,
      outputs: record.outputs,
      depends_on: record.dependsOn,
      updated_at: record.updatedAt,
    })),
  };
}

export function renderState(project: string, records: ResourceRecord[]): string {
  if (records.length === 0) return `No resources are recorded for ${project}.\n`;
  const lines = [`# ${records.length} resource(s) recorded for ${project}`, ""];
  for (const record of records) {
    const status = record.status === "ready" ? "" : ` [${record.status}: interrupted]`;
    lines.push(`# ${record.id} (${record.type})${status}`);
    for (const [key, value] of Object.entries(record.inputs).sort(byKey)) {
      lines.push(`    ${key} = ${short(canonicalJson(value))}`);
    }
    for (const [key, value] of Object.entries(record.outputs ?? {}).sort(byKey)) {
      lines.push(`    (out) ${key} = ${short(canonicalJson(value))}`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

function byKey(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function short(text: string): string {
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
