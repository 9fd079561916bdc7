/**
 * A bottle's health, from live reads of its recorded resources (pure):
 * - `gone`: no sandbox is recorded, or none exists any more (the process exited, the
 *   container was removed);
 * - `stopped`: the sandbox exists but does not run (a docker container exited or paused, a
 *   bwrap sandbox whose pid 1 was stopped by a signal);
 * - `drifted`: the sandbox runs, but a resource of the bottle is missing, unreadable, changed
 *   behind bot-bottle's back (a dead door, an edited policy file) or left mid-step by a crash;
 * - `running`: the sandbox runs and everything recorded matches.
 */
import type { ReadResult } from "../engine/provider.ts";
import type { RecordStatus } from "../engine/state.ts";
import { SANDBOX_TYPE } from "./backends.ts";

export type Health = "running" | "stopped" | "drifted" | "gone";

export interface HealthInput {
  records: readonly { id: string; type: string; status: RecordStatus }[];
  /** Each record's live read, by id. */
  reads: ReadonlyMap<string, ReadResult>;
  /** The sandbox exists but does not run (what its read cannot tell apart from gone). */
  sandboxStopped: boolean;
}

export interface BottleHealth {
  health: Health;
  /** `ID: what is wrong`, for each resource that does not match. */
  problems: string[];
}

export function bottleHealth(input: HealthInput): BottleHealth {
  const problems = input.records.flatMap((record) =>
    problemsOf(record, input.reads.get(record.id))
  );
  const sandbox = input.records.find((record) => record.type === SANDBOX_TYPE);
  if (!sandbox) return { health: "gone", problems: [...problems, "no sandbox is recorded"] };
  const read = input.reads.get(sandbox.id);
  if (input.sandboxStopped) return { health: "stopped", problems };
  if (read?.status === "missing") return { health: "gone", problems };
  return { health: problems.length === 0 ? "running" : "drifted", problems };
}

function problemsOf(
  record: { id: string; status: RecordStatus },
  read: ReadResult | undefined,
): string[] {
  const problems = record.status === "ready"
    ? []
    : [`${record.id}: interrupted while ${record.status}`];
  if (!read) return [...problems, `${record.id}: not read`];
  if (read.status === "missing") return [...problems, `${record.id}: missing (${read.reason})`];
  if (read.status === "error") return [...problems, `${record.id}: unreadable (${read.message})`];
  return [...problems, ...read.drift.map((drift) => `${record.id}: ${drift}`)];
}
