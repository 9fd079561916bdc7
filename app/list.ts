/**
 * List: every bottle in the state database (all projects), on every backend, with its health
 * (bottle_health.ts), when its sandbox was created, its agents and resources, read live; then
 * the bottles that run without a record.
 */
import { readLive } from "../engine/refresh.ts";
import type { ResourceRecord } from "../engine/state.ts";
import { runningBottlesOnDisk, unrecordedBottles } from "../engine/state_health.ts";
import { containersOf, type DockerContainer } from "../backends/docker/objects.ts";
import { containerNames } from "../backends/docker/names.ts";
import type { SandboxHandle, SandboxSpec } from "../backends/backend.ts";
import { isAlive, readStat } from "../lib/process.ts";
import { processStartedAt } from "../lib/process_time.ts";
import { parseSandboxRecord } from "../resources/sandbox_record.ts";
import { backendOf, SANDBOX_TYPE } from "./backends.ts";
import { bottleHealth, type Health } from "./bottle_health.ts";
import type { Session } from "./session.ts";

export interface BottleStatus {
  bottle: string;
  /** The project it was applied from (`-` for a bottle the state does not record). */
  project: string;
  /** Its sandbox's backend (`-` when none is recorded). */
  backend: string;
  /** See bottle_health.ts; a bottle that runs without a record is `running`. */
  health: Health;
  /** False for a bottle that runs but that the state does not record. */
  recorded: boolean;
  /** When its sandbox was created (ISO), while one exists. */
  since: string | null;
  /** Its agents, by name. */
  agents: string[];
  /** How many resources are recorded for it. */
  resources: number;
  /** What does not match, one line per resource (empty when running). */
  problems: string[];
}

export interface BottleList {
  /** Recorded bottles by name, then the running bottles the state does not record. */
  bottles: BottleStatus[];
  /** Names of bottles that run but have no record (restore the state, or adopt them). */
  unrecorded: string[];
  /** The state database. */
  statePath: string;
}

/** Every recorded bottle and its health (from live reads), then unrecorded running ones. */
export async function listBottles(session: Session): Promise<BottleList> {
  const records = session.store.all();
  const [reads, containers] = await Promise.all([
    readLive(records, session.providers, session.ctx),
    records.some((record) => backendOf(record) === "docker")
      ? containersOf(session.store.path).catch(() => [])
      : Promise.resolve([]),
  ]);
  const bottles = [...new Set(records.map((record) => record.bottle))].sort().map(
    (name): BottleStatus => {
      const own = records.filter((record) => record.bottle === name);
      const sandboxRecord = own.find((record) => record.type === SANDBOX_TYPE);
      const sandbox = sandboxRecord ? sandboxOf(sandboxRecord, containers) : NO_SANDBOX;
      const { health, problems } = bottleHealth({
        records: own,
        reads,
        sandboxStopped: sandbox.stopped,
      });
      return {
        bottle: name,
        project: own[0].project,
        backend: (sandboxRecord && backendOf(sandboxRecord)) ?? "-",
        health,
        recorded: true,
        since: health === "gone" ? null : sandbox.since,
        agents: agentsOf(own),
        resources: own.length,
        problems,
      };
    },
  );
  const unrecorded = unrecordedBottles(
    runningBottlesOnDisk(session.ctx.stateDir),
    records.map((record) => record.bottle),
  );
  for (const live of unrecorded) {
    bottles.push({
      bottle: live.bottle,
      project: "-",
      backend: "-",
      health: "running",
      recorded: false,
      since: null,
      agents: [],
      resources: 0,
      problems: [],
    });
  }
  return {
    bottles,
    unrecorded: unrecorded.map((live) => live.bottle),
    statePath: session.store.path,
  };
}

interface SandboxFacts {
  /** It exists but does not run. */
  stopped: boolean;
  since: string | null;
}

const NO_SANDBOX: SandboxFacts = { stopped: false, since: null };

/**
 * What the sandbox's read does not say: a docker container that exists but does not run (and
 * when it was created), a bwrap pid 1 stopped by a signal, when its outer process started.
 */
function sandboxOf(record: ResourceRecord, containers: readonly DockerContainer[]): SandboxFacts {
  let parsed: { spec: SandboxSpec; handle: SandboxHandle | null };
  try {
    parsed = parseSandboxRecord(record);
  } catch {
    return NO_SANDBOX; // the read says what is wrong with the row
  }
  const { spec, handle } = parsed;
  if (backendOf(record) === "docker") {
    const name = handle?.containers?.agent ??
      (spec.owner ? containerNames(spec.bottle, spec.owner).agent : null);
    const container = containers.find((candidate) => candidate.name === name);
    if (container) return { stopped: container.state !== "running", since: container.created };
  }
  if (!handle || !isAlive(handle.init)) return NO_SANDBOX;
  const state = readStat(handle.inner.pid)?.state ?? "";
  return {
    stopped: isAlive(handle.inner) && (state === "T" || state === "t"),
    since: processStartedAt(handle.init)?.toISOString() ?? null,
  };
}

function agentsOf(records: readonly ResourceRecord[]): string[] {
  return records.flatMap((record) => {
    const agent = record.inputs.agent;
    return record.type === "agent_home" && typeof agent === "string" ? [agent] : [];
  }).sort();
}
