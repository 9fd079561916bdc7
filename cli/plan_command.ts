import { realpathSync } from "node:fs";
import type { ResourceNode } from "../engine/graph.ts";
import type { Plan, PlanMode } from "../engine/plan.ts";
import type { Provider } from "../engine/provider.ts";
import { planChanges } from "../engine/plan.ts";
import { readLive } from "../engine/refresh.ts";
import type { ResourceRecord } from "../engine/state.ts";
import { assertNoUnrecordedBottles } from "../engine/state_health.ts";
import { displayPath, loadProject } from "../manifest/mod.ts";
import { workTreeProblem } from "../manifest/workspace.ts";
import { BACKENDS } from "../manifest/schema.ts";
import { getBackend } from "../backends/mod.ts";
import { Fingerprinter } from "../resources/fingerprint.ts";
import { describeSource, readSecret, SecretUnavailable } from "../resources/secret_source.ts";
import { compileProject } from "../resources/mod.ts";
import { resolveCacheDir } from "../resources/agent_cli.ts";
import { callerDir, fromCaller } from "./caller_dir.ts";
import { UserError } from "./errors.ts";
import type { Session } from "./session.ts";
import { UNSET_FINGERPRINT, type UnsetSecret } from "./unset_secrets.ts";

/**
 * Loads manifests, compiles them, reads live state and plans (apply mode). `cwd` is the
 * `--cwd [dir]` option: bottles without `workspace:` are seeded from that checkout. With
 * `unset`, a secret that cannot be read is collected there (and planned with the
 * UNSET_FINGERPRINT marker) instead of failing the plan.
 */
export async function makeApplyPlan(
  session: Session,
  dir: string,
  cwd?: string | true,
  unset?: UnsetSecret[],
): Promise<Plan> {
  const project = await loadProject(fromCaller(dir), { backends: availableBackends() });
  const workspaceSource = cwd === undefined ? undefined : checkedCwd(cwd);
  const fingerprints = new Fingerprinter(session.ctx.stateDir);
  const graph = compileProject(project, {
    stateDir: session.ctx.stateDir,
    home: session.ctx.env.HOME ?? "",
    cacheDir: resolveCacheDir(session.ctx.env),
    ...(workspaceSource === undefined ? {} : { workspaceSource }),
    describeSecret: (bottle, route) => {
      const routeKey = `${route.host}${route.path_prefix ?? ""}`;
      try {
        const value = readSecret(route.auth.secret, session.ctx.env);
        return {
          placeholder: fingerprints.placeholder(bottle.name, routeKey),
          fingerprint: fingerprints.fingerprint(value),
        };
      } catch (error) {
        if (!(error instanceof SecretUnavailable)) throw error;
        if (unset) {
          unset.push({
            where: `${displayPath(bottle.file, callerDir())}: route ${routeKey} ` +
              `(${describeSource(route.auth.secret)})`,
            message: error.message,
            hint: error.hint,
          });
          return {
            placeholder: fingerprints.placeholder(bottle.name, routeKey),
            fingerprint: UNSET_FINGERPRINT,
          };
        }
        throw new UserError(
          `${displayPath(bottle.file, callerDir())}: the secret for route ${routeKey} ` +
            `(${describeSource(route.auth.secret)}): ${error.message}`,
          error.hint,
        );
      }
    },
  });
  assertOwnership(session, [...project.bottles.keys()]);
  if (!session.adopting) {
    assertNoUnrecordedBottles(session.store, "a plan from scratch would start them anew", [
      ...project.bottles.keys(),
    ]);
  }
  const records = session.store.forProject(session.project);
  return await planFor(session, "apply", graph.nodes, records);
}

/** The `backend:` names this build runs; a bottle naming another fails at plan, located. */
export function availableBackends(): string[] {
  return BACKENDS.filter((name) => {
    try {
      getBackend(name);
      return true;
    } catch {
      return false;
    }
  });
}

/** `--cwd` alone means the current directory; it must be the top of a main git checkout. */
function checkedCwd(cwd: string | true): string {
  const path = cwd === true ? callerDir() : fromCaller(cwd);
  const problem = workTreeProblem(path);
  if (problem !== null) throw new UserError(`--cwd: ${problem.message}`, problem.hint);
  return realpathSync(path);
}

/** Plans the destruction of a project's recorded resources (optionally some bottles only). */
export function makeDestroyPlan(session: Session, bottles: string[]): Promise<Plan> {
  let records = session.store.forProject(session.project);
  if (bottles.length > 0) {
    const unknown = bottles.filter((name) => !records.some((record) => record.bottle === name));
    if (unknown.length > 0) {
      const known = [...new Set(records.map((record) => record.bottle))];
      throw new UserError(
        `no bottle named ${unknown.join(", ")} is recorded for ${session.project}`,
        known.length > 0 ? `recorded bottles: ${known.join(", ")}` : "nothing is applied here",
      );
    }
    records = records.filter((record) => bottles.includes(record.bottle));
  }
  return planFor(session, "destroy", [], records);
}

async function planFor(
  session: Session,
  mode: PlanMode,
  desired: ResourceNode[],
  records: ResourceRecord[],
): Promise<Plan> {
  const reads = mode === "destroy"
    ? new Map()
    : await readLive(records, session.providers, session.ctx);
  return planChanges({
    mode,
    project: session.project,
    serial: session.store.serial(session.project),
    desired,
    records,
    reads,
    diff: (type, want, have) => providerOf(session, type).diff(want, have),
    repairsDriftInPlace: (type) => providerOf(session, type).repairsDriftInPlace,
  });
}

function providerOf(session: Session, type: string): Provider {
  const provider = session.providers.get(type);
  if (!provider) throw new UserError(`no provider for resource type ${type}`);
  return provider;
}

/** A bottle name belongs to one project; another project may not take it over. */
function assertOwnership(session: Session, bottles: string[]): void {
  for (const record of session.store.all()) {
    if (bottles.includes(record.bottle) && record.project !== session.project) {
      throw new UserError(
        `bottle "${record.bottle}" is already managed from ${record.project}`,
        `destroy it there (deno task destroy --dir ${record.project}) or rename this one`,
      );
    }
  }
}
