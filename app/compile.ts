/**
 * Manifests to resource graph, as plan and validate need it: the project loaded from its
 * directory and compiled with this machine's facts (state dir, home, cache, test resolve)
 * and the fingerprints of the operator's secrets. The one place the application layer calls
 * the compiler and reads secrets.
 */
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import type { ResourceGraph } from "../engine/graph.ts";
import { resolveStateDir } from "../engine/state_dir.ts";
import { displayPath, loadProject, type Project } from "../manifest/mod.ts";
import { workTreeProblem } from "../manifest/workspace.ts";
import { compileProject } from "../resources/mod.ts";
import type { CompileOptions } from "../resources/compile.ts";
import { resolveCacheDir } from "../resources/agent_cli.ts";
import { Fingerprinter } from "../resources/fingerprint.ts";
import type { FingerprintSecret } from "../resources/secret_bindings.ts";
import { describeSource, readSecret, SecretUnavailable } from "../resources/secret_source.ts";
import { BoundedReadError, readBoundedText } from "../lib/bounded_read.ts";
import { knownHostsFor } from "../lib/known_hosts.ts";
import { availableBackends, type BackendLookup } from "./backends.ts";
import { UserError } from "./errors.ts";
import { liveGrants } from "./supervise_queue.ts";
import type { SuperviseGrant } from "../sidecars/supervise/queue.ts";
import type { Session } from "./session.ts";
import { UNSET_FINGERPRINT, type UnsetSecret } from "./unset_secrets.ts";

export interface CompiledProject {
  project: Project;
  graph: ResourceGraph;
}

export interface CompileRequest {
  /**
   * Seeds the workspace of bottles without `workspace:` from this git checkout (relative to
   * the session's cwd); it must be the top of a main work tree.
   */
  workspaceSource?: string;
  /**
   * Collects secrets that cannot be read here (planned with UNSET_FINGERPRINT) instead of
   * failing: plan shows the plan and warns, apply refuses afterwards.
   */
  unset?: UnsetSecret[];
  /**
   * The grants layered over the manifests; default the project's live grants in state
   * (approve passes the one it is about to record, revoke leaves one out).
   */
  grants?: readonly SuperviseGrant[];
}

/** Loads and compiles the session's manifests, fingerprinting each route's secret. */
export async function compileManifests(
  session: Session,
  request: CompileRequest = {},
): Promise<CompiledProject> {
  const project = await loadProject(session.dirPath, {
    backends: availableBackends(session.backends),
  });
  const workspaceSource = request.workspaceSource === undefined
    ? undefined
    : checkedWorkspaceSource(resolve(session.cwd, request.workspaceSource));
  const fingerprints = new Fingerprinter(session.ctx.stateDir);
  const unset = request.unset;
  const fingerprintOrUnset: FingerprintSecret = (bottle, secret) => {
    try {
      return fingerprints.fingerprint(secret.read(session.ctx.env));
    } catch (error) {
      if (!(error instanceof SecretUnavailable)) throw error;
      const file = displayPath(bottle.file, session.cwd);
      const source = describeSource(secret.source);
      if (!unset) {
        throw new UserError(
          `${file}: the secret for ${secret.label} (${source}): ${error.message}`,
          error.hint,
        );
      }
      unset.push({
        where: `${file}: ${secret.label} (${source})`,
        message: error.message,
        hint: error.hint,
      });
      return UNSET_FINGERPRINT;
    }
  };
  const graph = compileProject(project, {
    ...machineFacts(session.ctx.stateDir, session.ctx.env),
    project: session.project,
    ...(workspaceSource === undefined ? {} : { workspaceSource }),
    grants: request.grants ?? liveGrants(session.store.db, session.project, new Date()),
    describeSecret: (bottle, route) => {
      const routeKey = `${route.host}${route.path_prefix ?? ""}`;
      const placeholder = fingerprints.placeholder(bottle.name, routeKey);
      const fingerprint = fingerprintOrUnset(bottle, {
        label: `route ${routeKey}`,
        source: route.auth.secret,
        read: (env) => readSecret(route.auth.secret, env),
      });
      return { placeholder, fingerprint };
    },
    fingerprintSecret: fingerprintOrUnset,
    hostKeys: (bottle, upstream) =>
      operatorHostKeys(displayPath(bottle.file, session.cwd), upstream, session.ctx.env),
  });
  return { project, graph };
}

export interface ValidateRequest {
  /** The manifest directory, relative to `cwd`. */
  dir: string;
  /** Default Deno.cwd(). */
  cwd?: string;
  /** The operator's environment; default the process's. */
  env?: Record<string, string>;
  backends?: BackendLookup;
}

/** Loads and compiles manifests reading no state and no secrets (secrets get placeholders). */
export async function compileForValidation(request: ValidateRequest): Promise<CompiledProject> {
  const project = await loadProject(resolve(request.cwd ?? Deno.cwd(), request.dir), {
    backends: availableBackends(request.backends),
  });
  const env = request.env ?? Deno.env.toObject();
  const graph = compileProject(project, {
    ...machineFacts(resolveStateDir(env), env),
    project: project.dir,
    describeSecret: () => ({ placeholder: "bb_placeholder_validate", fingerprint: "(validate)" }),
    fingerprintSecret: () => "(validate)",
    hostKeys: () => "(validate)",
  });
  return { project, graph };
}

type MachineFacts = Pick<CompileOptions, "stateDir" | "home" | "cacheDir">;

function machineFacts(stateDir: string, env: Record<string, string>): MachineFacts {
  return {
    stateDir,
    home: env.HOME ?? "",
    cacheDir: resolveCacheDir(env),
  };
}

/** The workspace source must be the top of a main git checkout; its real path. */
function checkedWorkspaceSource(path: string): string {
  const problem = workTreeProblem(path);
  if (problem !== null) throw new UserError(`--cwd: ${problem.message}`, problem.hint);
  return realpathSync(path);
}

const KNOWN_HOSTS_LIMIT = 1024 * 1024;

/**
 * The operator's `~/.ssh/known_hosts` lines for an SSH upstream; none (or no file) is an error
 * at plan: the gate pins host keys and never trusts one on first use.
 */
function operatorHostKeys(
  file: string,
  upstream: { label: string; host: string },
  env: Record<string, string>,
): string {
  const path = `${env.HOME ?? ""}/.ssh/known_hosts`;
  let text = "";
  try {
    text = readBoundedText(path, KNOWN_HOSTS_LIMIT);
  } catch (error) {
    if (!(error instanceof BoundedReadError)) throw error;
  }
  const lines = knownHostsFor(text, upstream.host);
  if (lines.length > 0) return lines.join("\n") + "\n";
  const bare = upstream.host.replace(/^\[|\]:\d+$/g, "");
  const port = /\]:(\d+)$/.exec(upstream.host)?.[1];
  throw new UserError(
    `${file}: ${upstream.label}: no host key for ${upstream.host} in ${path}; the git gate ` +
      "pins host keys and never trusts one on first use",
    `check the host's key fingerprint out of band, then add it (ssh-keyscan ${
      port ? `-p ${port} ` : ""
    }${bare} >> ~/.ssh/known_hosts), or give \`known_hosts:\` in the upstream`,
  );
}
