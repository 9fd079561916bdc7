/**
 * The supervise MCP server (sidecars/supervise/main.ts) under its own supervisor, outside
 * the sandbox, serving `supervise.sock` on the door. Its config (the bottle's agents, what
 * they may ask, limits, notify command) is part of its inputs: a change restarts this daemon
 * only. The server is stateless (every MCP call stands alone, its queue is in the state
 * database), so a restart costs the agents nothing but a call in flight, and neither an
 * approval nor an apply that does not touch its config restarts it.
 */

import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import type { ResourceNode } from "../engine/graph.ts";
import { defineResource, type Instance, type Observation } from "../engine/resource_type.ts";
import { startSupervised } from "../sidecars/bundle/supervised.ts";
import { installSdk, superviseChild } from "../sidecars/supervise/mod.ts";
import {
  type NotifyCommand,
  SUPERVISE_SOCKET,
  type SuperviseConfig,
} from "../sidecars/supervise/wire.ts";
import type { BottleContext } from "./bottle_context.ts";
import {
  daemonHandle,
  type DaemonOutputs,
  daemonOutputs,
  observeDaemon,
  stopDaemon,
} from "./sidecar_daemon.ts";
import { GATE_POLICY_FILE } from "../sidecars/gitgate/wire.ts";

/** The daemon's name under its supervisor (superviseChild's), by which it is found again. */
const DAEMON_NAME = "supervise";
/** The operator's notify command (run by `sh -c`) when the manifest names none. */
export const NOTIFY_ENV = "BOT_BOTTLE_NOTIFY";

export const superviseInputs = z.object({
  bottle: z.string(),
  runDir: z.string(),
  logDir: z.string(),
  /** Where the config is written (in the bottle directory, never in the sandbox). */
  configFile: z.string(),
  project: z.string(),
  stateDb: z.string(),
  egressPolicyFile: z.string(),
  gatePolicyFile: z.string().optional(),
  agents: z.array(z.string()),
  kinds: z.array(z.enum(["egress", "git", "ask"])),
  waitSeconds: z.number(),
  maxPending: z.number(),
  perHour: z.number(),
  /** The manifest's notify argv; absent: BOT_BOTTLE_NOTIFY of the applying operator, if set. */
  notify: z.array(z.string()).optional(),
});
export type SuperviseInputs = z.infer<typeof superviseInputs>;
type SuperviseOutputs = DaemonOutputs;
type SuperviseInstance = Instance<SuperviseInputs, SuperviseOutputs>;

export const superviseProvider = defineResource({
  type: "supervise",
  inputs: superviseInputs,
  outputs: daemonOutputs,
  replaceKeys: "all",
  repairsDriftInPlace: false,
  read(_ctx, instance): Promise<Observation<SuperviseOutputs>> {
    return observeDaemon(handleOf(instance), "supervise server", "supervise");
  },
  async create(ctx, instance): Promise<SuperviseOutputs> {
    await stopDaemon(handleOf(instance));
    const inputs = instance.inputs;
    const runDir = resolve(inputs.runDir);
    const logDir = resolve(inputs.logDir);
    Deno.mkdirSync(logDir, { recursive: true, mode: 0o700 });
    const shell = ctx.env[NOTIFY_ENV];
    const notify: NotifyCommand | null = inputs.notify
      ? { argv: inputs.notify }
      : shell
      ? { shell }
      : null;
    const config: SuperviseConfig = {
      version: 1,
      bottle: inputs.bottle,
      project: inputs.project,
      state_db: resolve(inputs.stateDb),
      egress_policy_file: resolve(inputs.egressPolicyFile),
      ...(inputs.gatePolicyFile ? { gate_policy_file: resolve(inputs.gatePolicyFile) } : {}),
      agents: inputs.agents,
      kinds: inputs.kinds,
      wait_seconds: inputs.waitSeconds,
      max_pending: inputs.maxPending,
      per_hour: inputs.perHour,
      notify,
      log_dir: logDir,
    };
    const configFile = resolve(inputs.configFile);
    writeFileSync(configFile, JSON.stringify(config, null, 2) + "\n", { mode: 0o600 });
    const child = superviseChild({ config, configFile, runDir }, Deno.env.toObject());
    if (child.name !== DAEMON_NAME) throw new Error(`supervise runs as ${child.name}`);
    await installSdk();
    const supervisor = await startSupervised({
      bottle: inputs.bottle,
      what: "supervise server",
      runDir,
      logPath: join(logDir, "supervise-daemon.log"),
      child,
      path: Deno.env.get("PATH"),
    });
    return { supervisor, socket: child.socket };
  },
  delete(_ctx, instance): Promise<void> {
    return stopDaemon(handleOf(instance));
  },
});

/** The recorded server, or one found serving the run directory (after a crash mid-apply). */
function handleOf(instance: SuperviseInstance): SuperviseOutputs | null {
  return daemonHandle(instance.outputs, instance.inputs.runDir, DAEMON_NAME, SUPERVISE_SOCKET);
}

export function superviseNodes(bottle: BottleContext): ResourceNode[] {
  const { supervise, git } = bottle.manifest;
  if (!supervise.enabled) return [];
  const { id, paths } = bottle;
  const gated = Object.keys(git).length > 0;
  const kinds = supervise.kinds.filter((kind) => kind !== "git" || gated);
  return [superviseProvider.node({
    id: id("supervise"),
    bottle: bottle.name,
    inputs: {
      bottle: bottle.name,
      runDir: paths.runDir,
      logDir: paths.logDir,
      configFile: join(paths.dir, "supervise.json"),
      project: bottle.options.project,
      stateDb: join(bottle.options.stateDir, "state.db"),
      egressPolicyFile: paths.policyFile,
      ...(gated ? { gatePolicyFile: join(paths.gateDir, GATE_POLICY_FILE) } : {}),
      agents: bottle.agents.map((agent) => agent.name),
      kinds,
      waitSeconds: supervise.wait_seconds,
      maxPending: supervise.max_pending,
      perHour: supervise.per_hour,
      ...(supervise.notify ? { notify: supervise.notify } : {}),
    },
    dependsOn: [
      id("door"),
      id("egress_policy"),
      ...(gated ? [id("git_gate_policy")] : []),
    ],
    replaceWith: [id("door"), id("bottle_dir")],
  })];
}
