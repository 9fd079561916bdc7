/**
 * A docker bottle's agent image (backends/docker/agent_image.ts), built on this machine from
 * files in this repository: the base first when it is ours and missing (debootstrap, once per
 * machine), then the agent image, tagged and labelled as the bottle's. Any change to what it
 * is made from is a new tag, so every change replaces it.
 */
import { join } from "node:path";
import { z } from "zod";
import type { SameShape } from "../engine/json_data.ts";
import type { ResourceNode } from "../engine/graph.ts";
import { defineResource, type Instance, type Observation } from "../engine/resource_type.ts";
import {
  type AgentImageInputs,
  agentImageInputs,
  agentImageTag,
  buildAgentImage,
  removeAgentImage,
} from "../backends/docker/agent_image.ts";
import { BASE_REPOSITORY, ensureBaseImage } from "../backends/docker/base_image.ts";
import { type ImageFacts, inspectImage } from "../backends/docker/image_inspect.ts";
import { type DockerOwner, LABELS, ownedBy } from "../backends/docker/labels.ts";
import { resolveCacheDir } from "./agent_cli.ts";
import type { BottleContext } from "./bottle_context.ts";

export const dockerImageInputs = z.object({
  bottle: z.string(),
  project: z.string(),
  stateDb: z.string(),
  /** The image built on: `bot-bottle-base:<hash12>`, or the operator's BOT_BOTTLE_DOCKER_BASE. */
  base: z.string(),
  contextHash: z.string(),
  tag: z.string(),
});
export type DockerImageInputs = z.infer<typeof dockerImageInputs>;
const _inputs: SameShape<DockerImageInputs, DockerOwner & AgentImageInputs & { tag: string }> =
  true;

const outputs = z.object({ id: z.string(), tag: z.string() });
type DockerImageOutputs = z.infer<typeof outputs>;
type DockerImageInstance = Instance<DockerImageInputs, DockerImageOutputs>;

export const dockerImageProvider = defineResource({
  type: "docker_image",
  inputs: dockerImageInputs,
  outputs,
  replaceKeys: "all",
  repairsDriftInPlace: false,
  async read(_ctx, instance): Promise<Observation<DockerImageOutputs>> {
    const { tag, contextHash } = instance.inputs;
    let image: ImageFacts | null;
    try {
      image = await inspectImage(tag);
    } catch (error) {
      return { status: "error", message: (error as Error).message };
    }
    if (!image) return { status: "missing", reason: `no image ${tag}` };
    if (!ownedBy(image.labels, ownerOf(instance), "image")) {
      return { status: "missing", reason: `${tag} is not this bottle's image` };
    }
    if (image.labels[LABELS.contentHash] !== contextHash) {
      return { status: "missing", reason: `${tag} was built from other files` };
    }
    const recorded = instance.outputs?.id;
    const drift = recorded && recorded !== image.id
      ? [`${tag} names ${image.id}, not the image built (${recorded})`]
      : [];
    return { status: "found", outputs: { id: image.id, tag }, drift };
  },
  async create(ctx, instance): Promise<DockerImageOutputs> {
    const { base, contextHash, tag } = instance.inputs;
    if (base.startsWith(`${BASE_REPOSITORY}:`)) {
      const workDir = join(resolveCacheDir(ctx.env), "docker-base");
      const made = await ensureBaseImage({ env: ctx.env, workDir });
      if (made !== base) {
        throw new Error(
          `the plan builds on ${base}, but this environment's base is ${made} ` +
            "(BOT_BOTTLE_DEBIAN_MIRROR changed?): plan again",
        );
      }
    }
    const owner = ownerOf(instance);
    const built = agentImageTag(owner, contextHash);
    if (built !== tag) {
      throw new Error(`the plan tags ${tag}, this bot-bottle ${built}: plan again`);
    }
    return { id: await buildAgentImage(owner, { base, contextHash }), tag };
  },
  async delete(_ctx, instance): Promise<void> {
    const image = await inspectImage(instance.inputs.tag);
    // A tag that names somebody else's image is left to them.
    if (image && ownedBy(image.labels, ownerOf(instance), "image")) {
      await removeAgentImage(instance.inputs.tag);
    }
  },
});

function ownerOf(instance: DockerImageInstance): DockerOwner {
  const { project, bottle, stateDb } = instance.inputs;
  return { project, bottle, stateDb };
}

/** The bottle's agent image, for bottles on the docker backend. */
export function dockerImageNodes(bottle: BottleContext): ResourceNode[] {
  if (bottle.manifest.backend !== "docker") return [];
  const owner: DockerOwner = {
    project: bottle.options.project,
    bottle: bottle.name,
    stateDb: stateDbOf(bottle),
  };
  const inputs = agentImageInputs(Deno.env.toObject());
  return [dockerImageProvider.node({
    id: bottle.id("docker_image"),
    bottle: bottle.name,
    inputs: { ...owner, ...inputs, tag: agentImageTag(owner, inputs.contextHash) },
    dependsOn: [bottle.id("bottle_dir")],
  })];
}

/** The state database that records the bottle, as its Docker objects' labels name it. */
export function stateDbOf(bottle: BottleContext): string {
  return join(bottle.options.stateDir, "state.db");
}
