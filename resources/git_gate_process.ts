/**
 * The git gate daemon (sidecars/gitgate/main.ts) under its own supervisor, outside the
 * sandbox, serving `git.sock` on the door. Its inputs are only where it lives: upstreams and
 * rules change through its policy file (hot reload), so they never restart it.
 */

import { join, resolve } from "node:path";
import { z } from "zod";
import type { ResourceNode } from "../engine/graph.ts";
import type { ProviderContext } from "../engine/provider.ts";
import { defineResource, type Instance, type Observation } from "../engine/resource_type.ts";
import type { ProcessIdentity } from "../lib/process.ts";
import { DENO_RUN_FLAGS, sidecarEnv, sidecarScript } from "../sidecars/bundle/deno_cmd.ts";
import {
  findSupervisor,
  startSupervised,
  stopSupervised,
  supervisedStatus,
} from "../sidecars/bundle/supervised.ts";
import type { ChildSpec } from "../sidecars/bundle/types.ts";
import { GATE_SOCKET } from "../sidecars/gitgate/wire.ts";
import type { BottleContext } from "./bottle_context.ts";
import { gitIdentity } from "./gitconfig.ts";

/** The daemon exits with this code when its arguments or policy are unusable. */
const GATE_CONFIG_ERROR = 2;
const DAEMON_NAME = "git";

export const gitGateInputs = z.object({
  bottle: z.string(),
  runDir: z.string(),
  gateDir: z.string(),
  logDir: z.string(),
});
export type GitGateInputs = z.infer<typeof gitGateInputs>;
const processIdentity = z.object({ pid: z.number(), startTime: z.number() });
const outputs = z.object({ supervisor: processIdentity, socket: z.string() });
type GitGateOutputs = z.infer<typeof outputs>;
type GateInstance = Instance<GitGateInputs, GitGateOutputs>;

export const gitGateProvider = defineResource({
  type: "git_gate",
  inputs: gitGateInputs,
  outputs,
  replaceKeys: "all",
  repairsDriftInPlace: false,
  read(_ctx, instance): Promise<Observation<GitGateOutputs>> {
    const handle = handleOf(instance);
    if (handle === null) {
      return Promise.resolve({ status: "missing", reason: "no git gate was started" });
    }
    const status = supervisedStatus(handle.supervisor, { git: handle.socket });
    if (status.state === "gone") {
      return Promise.resolve({ status: "missing", reason: `git gate ${status.reason}` });
    }
    return Promise.resolve({ status: "found", outputs: handle, drift: [] });
  },
  async create(_ctx, instance): Promise<GitGateOutputs> {
    const previous = handleOf(instance);
    if (previous) await stopSupervised(previous.supervisor, [previous.socket]);
    const inputs = absolute(instance.inputs);
    Deno.mkdirSync(inputs.logDir, { recursive: true, mode: 0o700 });
    const env = sidecarEnv(Deno.env.toObject());
    const child = gateChild(inputs, env);
    const supervisor = await startSupervised({
      bottle: inputs.bottle,
      what: "git gate",
      runDir: inputs.runDir,
      logPath: join(inputs.logDir, "git-gate.log"),
      child,
      path: env.PATH,
    });
    return { supervisor, socket: child.socket };
  },
  async delete(_ctx, instance): Promise<void> {
    const handle = handleOf(instance);
    if (handle) await stopSupervised(handle.supervisor, [handle.socket]);
  },
});

/** The recorded gate, or one found serving the run directory (after a crash mid-apply). */
function handleOf(instance: GateInstance): GitGateOutputs | null {
  if (instance.outputs) return instance.outputs;
  const runDir = resolve(instance.inputs.runDir);
  const supervisor = findSupervisor(runDir, DAEMON_NAME);
  return supervisor === null ? null : { supervisor, socket: join(runDir, GATE_SOCKET) };
}

/** The bottle's running gate's supervisor (for a hot reload), or null. */
export function runningGate(ctx: ProviderContext, bottle: string): ProcessIdentity | null {
  const runDir = resolve(ctx.stateDir, "bottles", bottle, "run");
  const supervisor = findSupervisor(runDir, DAEMON_NAME);
  if (supervisor === null) return null;
  const status = supervisedStatus(supervisor, { git: join(runDir, GATE_SOCKET) });
  return status.state === "running" ? supervisor : null;
}

/**
 * The daemon, with only what it needs: read and write its gate directory (mirrors, hook
 * socket), its socket on the door and its logs; run git (which runs ssh and the hooks). No
 * network of its own (git dials upstreams), no environment but the few sidecar variables.
 */
export function gateChild(inputs: GitGateInputs, env: Record<string, string>): ChildSpec {
  const socket = join(inputs.runDir, GATE_SOCKET);
  const dirs = [inputs.gateDir, inputs.runDir, inputs.logDir];
  for (const path of dirs) {
    if (path.includes(",")) throw new Error(`git gate paths may not contain ",": ${path}`);
  }
  return {
    name: DAEMON_NAME,
    command: Deno.execPath(),
    args: [
      ...DENO_RUN_FLAGS,
      `--allow-read=${dirs.join(",")}`,
      `--allow-write=${dirs.join(",")}`,
      "--allow-run=git",
      "--allow-env",
      sidecarScript("../gitgate/main.ts"),
      "--socket",
      socket,
      "--gate-dir",
      inputs.gateDir,
      "--log-dir",
      inputs.logDir,
      "--bottle",
      inputs.bottle,
      "--exit-with-parent",
    ],
    env,
    socket,
    configErrorCode: GATE_CONFIG_ERROR,
  };
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
