import type { ReadResult } from "./provider.ts";
import type { ResourceRecord } from "./state.ts";

export interface DriftItem {
  id: string;
  type: string;
  bottle: string;
  kind: "gone" | "changed" | "unreadable" | "interrupted";
  detail: string;
}

/**
 * A refresh-only comparison: what is live versus what state recorded. Pure; the caller
 * does the reads.
 */
export function detectDrift(
  records: ResourceRecord[],
  reads: Map<string, ReadResult>,
): DriftItem[] {
  const items: DriftItem[] = [];
  for (const record of records) {
    const read = reads.get(record.id);
    const base = { id: record.id, type: record.type, bottle: record.bottle };
    if (!read) continue;
    if (read.status === "missing") items.push({ ...base, kind: "gone", detail: read.reason });
    else if (read.status === "error") {
      items.push({ ...base, kind: "unreadable", detail: read.message });
    } else {
      for (const detail of read.drift) items.push({ ...base, kind: "changed", detail });
      if (record.status !== "ready") {
        items.push({
          ...base,
          kind: "interrupted",
          detail: `a ${record.status} step did not finish`,
        });
      }
    }
  }
  return items;
}

export function renderDrift(items: DriftItem[]): string {
  if (items.length === 0) return "No drift. Live resources match the recorded state.\n";
  const lines = items.map((item) => `  ! ${item.id} (${item.type}) ${item.kind}: ${item.detail}`);
  return [
    "Drift detected: live resources differ from the recorded state.",
    "",
    ...lines,
    "",
    `${items.length} drifted. Run \`deno task apply\` to repair.`,
  ].join("\n") + "\n";
}
