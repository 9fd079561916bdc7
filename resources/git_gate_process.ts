/**
 * The git gate daemon (sidecars/gitgate/main.ts) under its own supervisor, outside the
 * sandbox, serving `git.sock` on the door. Its inputs are only where it lives: upstreams and
 * rules change through its policy file (hot reload), so they never restart it.
 */

import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { poll } from "../lib/wait.ts";
import { z } from "zod";
import type { ResourceNode } from "../engine/graph.ts";
import { bottleDir } from "../engine/state_dir.ts";
import type { ProviderContext } from "../engine/provider.ts";
import { defineResource, type Instance, type Observation } from "../engine/resource_type.ts";
import type { ProcessIdentity } from "../lib/process.ts";
import {
  findSupervisor,
  reloadSupervised,
  startSupervised,
  supervisedStatus,
} from "../sidecars/bundle/supervised.ts";
import { GATE_LOADED_FILE, GATE_SOCKET, gateChild } from "../sidecars/gitgate/mod.ts";
import type { BottleContext } from "./bottle_context.ts";
import {
  daemonHandle,
  type DaemonOutputs,
  daemonOutputs,
  observeDaemon,
  stopDaemon,
} from "./sidecar_daemon.ts";
import { gitIdentity } from "./gitconfig.ts";

/** The daemon's name under its supervisor (gateChild's), by which it is found again. */
const DAEMON_NAME = "gitgate";

export const gitGateInputs = z.object({
  bottle: z.string(),
  runDir: z.string(),
  gateDir: z.string(),
  logDir: z.string(),
});
export type GitGateInputs = z.infer<typeof gitGateInputs>;
type GitGateOutputs = DaemonOutputs;
type GateInstance = Instance<GitGateInputs, GitGateOutputs>;

export const gitGateProvider = defineResource({
  type: "git_gate",
  inputs: gitGateInputs,
  outputs: daemonOutputs,
  replaceKeys: "all",
  repairsDriftInPlace: false,
  read(_ctx, instance): Promise<Observation<GitGateOutputs>> {
    return observeDaemon(handleOf(instance), "git gate", "git");
  },
  async create(_ctx, instance): Promise<GitGateOutputs> {
    await stopDaemon(handleOf(instance));
    const inputs = absolute(instance.inputs);
    Deno.mkdirSync(inputs.logDir, { recursive: true, mode: 0o700 });
    const child = gateChild(inputs, Deno.env.toObject());
    if (child.name !== DAEMON_NAME) throw new Error(`the gate runs as ${child.name}`);
    const supervisor = await startSupervised({
      bottle: inputs.bottle,
      what: "git gate",
      runDir: inputs.runDir,
      logPath: join(inputs.logDir, "git-gate.log"),
      child,
      path: Deno.env.get("PATH"),
    });
    return { supervisor, socket: child.socket };
  },
  delete(_ctx, instance): Promise<void> {
    return stopDaemon(handleOf(instance));
  },
});

/** The recorded gate, or one found serving the run directory (after a crash mid-apply). */
function handleOf(instance: GateInstance): GitGateOutputs | null {
  return daemonHandle(instance.outputs, instance.inputs.runDir, DAEMON_NAME, GATE_SOCKET);
}

/** The bottle's running gate's supervisor (for a hot reload), or null. */
export function runningGate(ctx: ProviderContext, bottle: string): ProcessIdentity | null {
  const runDir = join(resolve(bottleDir(ctx.stateDir, bottle)), "run");
  const supervisor = findSupervisor(runDir, DAEMON_NAME);
  if (supervisor === null) return null;
  const status = supervisedStatus(supervisor, { git: join(runDir, GATE_SOCKET) });
  return status.state === "running" ? supervisor : null;
}

function absolute(inputs: GitGateInputs): GitGateInputs {
  return {
    bottle: inputs.bottle,
    runDir: resolve(inputs.runDir),
    gateDir: resolve(inputs.gateDir),
    logDir: resolve(inputs.logDir),
  };
}

/** Who may author and commit what the bottle's agents push: the bottle and each agent. */
export function gateIdentities(bottle: BottleContext): { name: string; email: string }[] {
  const own = gitIdentity(bottle.name, bottle.manifest.git_user);
  const all = [
    own,
    ...bottle.agents.map((agent) => ({
      name: agent.gitUser?.name ?? own.name,
      email: agent.gitUser?.email ?? own.email,
    })),
  ];
  const seen = new Set<string>();
  return all.filter((id) => {
    const key = `${id.name}\0${id.email}`;
    return !seen.has(key) && seen.add(key) !== undefined;
  });
}

export function gitGateNodes(bottle: BottleContext): ResourceNode[] {
  if (Object.keys(bottle.manifest.git).length === 0) return [];
  const { id, paths } = bottle;
  return [gitGateProvider.node({
    id: id("git_gate"),
    bottle: bottle.name,
    inputs: {
      bottle: bottle.name,
      runDir: paths.runDir,
      gateDir: paths.gateDir,
      logDir: paths.logDir,
    },
    dependsOn: [id("door"), id("git_gate_dir"), id("git_gate_policy"), id("git_credentials")],
    replaceWith: [id("door"), id("git_gate_dir"), id("bottle_dir")],
  })];
}

const RELOAD_TIMEOUT_MS = 3000;

/** What the gate reports in force (GATE_LOADED_FILE: policy sha256, then a load stamp), or null. */
export function loadedReport(gateDir: string): { sha256: string; stamp: string } | null {
  const path = join(gateDir, GATE_LOADED_FILE);
  if (!existsSync(path)) return null;
  const [sha256 = "", stamp = ""] = readFileSync(path, "utf8").split("\n");
  return { sha256, stamp };
}

/**
 * Tells a running gate to reload (its policy, or its credentials: tokens are read at load)
 * and waits until it reports a new load, with the policy `sha256` when given; a bottle whose
 * gate is not running picks the files up when it starts.
 */
export async function reloadGate(
  ctx: ProviderContext,
  bottle: string,
  what: string,
  sha256?: string,
): Promise<void> {
  const gate = runningGate(ctx, bottle);
  if (gate === null) return;
  const gateDir = join(resolve(bottleDir(ctx.stateDir, bottle)), "gate");
  const before = loadedReport(gateDir)?.stamp;
  if (!reloadSupervised(gate)) return;
  const taken = await poll(() => {
    const report = loadedReport(gateDir);
    return report !== null && report.stamp !== before &&
      (sha256 === undefined || report.sha256 === sha256);
  }, { timeoutMs: RELOAD_TIMEOUT_MS, intervalMs: 10 });
  if (!taken) {
    throw new Error(
      `the git gate did not take the new ${what} within ${RELOAD_TIMEOUT_MS / 1000}s; the ` +
        `previous ones stay in force (see ${ctx.stateDir}/bottles/${bottle}/logs/git-gate.log)`,
    );
  }
}
