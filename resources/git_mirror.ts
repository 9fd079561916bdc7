/**
 * One upstream's bare mirror in the gate directory (`gate/mirrors/NAME.git`). The engine
 * makes it empty; the gate fills it from upstream on the first fetch and keeps it as
 * upstream has it. A deleted mirror is drift, repaired by making it again (the next fetch
 * refills it); a new remote replaces it.
 */

import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { ResourceNode } from "../engine/graph.ts";
import { defineResource, type Observation } from "../engine/resource_type.ts";
import { run } from "../lib/command.ts";
import type { BottleContext } from "./bottle_context.ts";

export const gitMirrorInputs = z.object({ path: z.string(), remote: z.string() });
export type GitMirrorInputs = z.infer<typeof gitMirrorInputs>;
const outputs = z.object({ path: z.string() });
type GitMirrorOutputs = z.infer<typeof outputs>;

export const gitMirrorProvider = defineResource({
  type: "git_mirror",
  inputs: gitMirrorInputs,
  outputs,
  replaceKeys: "all",
  repairsDriftInPlace: false,
  read(_ctx, instance): Promise<Observation<GitMirrorOutputs>> {
    const { path } = instance.inputs;
    const bare = ["HEAD", "objects", "refs"].every((part) => existsSync(join(path, part)));
    if (!bare) {
      return Promise.resolve({ status: "missing", reason: `mirror ${path} does not exist` });
    }
    const drift = (statSync(path).mode & 0o077) !== 0 ? [`${path} is readable by others`] : [];
    return Promise.resolve({ status: "found", outputs: { path }, drift });
  },
  async create(_ctx, instance): Promise<GitMirrorOutputs> {
    const { path } = instance.inputs;
    rmSync(path, { recursive: true, force: true });
    mkdirSync(path, { recursive: true, mode: 0o700 });
    await run("git", ["init", "--quiet", "--bare", path], {
      env: { GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" },
      install: "apt-get install -y git",
    });
    return { path };
  },
  delete(_ctx, instance): Promise<void> {
    rmSync(instance.inputs.path, { recursive: true, force: true });
    return Promise.resolve();
  },
});

export function mirrorId(bottle: BottleContext, name: string): string {
  return `git_mirror.${bottle.name}.${name}`;
}

export function gitMirrorNodes(bottle: BottleContext): ResourceNode[] {
  return Object.entries(bottle.manifest.git).map(([name, upstream]) =>
    gitMirrorProvider.node({
      id: mirrorId(bottle, name),
      bottle: bottle.name,
      inputs: {
        path: join(bottle.paths.gateDir, "mirrors", `${name}.git`),
        remote: upstream.remote,
      },
      dependsOn: [bottle.id("git_gate_dir")],
      replaceWith: [bottle.id("git_gate_dir")],
    })
  );
}
