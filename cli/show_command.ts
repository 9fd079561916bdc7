/** `show [PLANFILE]`: a saved plan, or the resources recorded for --dir's project. */
import { readPlanFile } from "../app/plan_file_io.ts";
import { recordedResources } from "../app/show.ts";
import type { ResourceRecord } from "../engine/state.ts";
import { planJson } from "../engine/render.ts";
import { canonicalJson, type JsonObject } from "../lib/json.ts";
import { fromCaller } from "./caller_dir.ts";
import { planText } from "./render.ts";
import { sessionFor } from "./session.ts";

export interface ShowOptions {
  dir: string;
  json?: boolean;
}

/**
 * `show PLANFILE`: a saved plan, as `plan` printed it. `show`: the resources recorded for
 * --dir's project, with their inputs and outputs (state holds no secret values).
 */
export function showCommand(planFile: string | undefined, options: ShowOptions): number {
  if (planFile !== undefined) {
    const plan = readPlanFile(fromCaller(planFile));
    if (options.json) console.log(JSON.stringify(planJson(plan), null, 2));
    else console.log(planText(plan, false));
    return 0;
  }
  const session = sessionFor(options.dir);
  try {
    const { project, resources } = recordedResources(session);
    if (options.json) console.log(JSON.stringify(stateJson(project, resources), null, 2));
    else console.log(renderState(project, resources));
    return 0;
  } finally {
    session.close();
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
