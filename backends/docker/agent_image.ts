/**
 * A bottle's agent image: the files in `image/` built on the base, offline, tagged per bottle
 * and labelled as the bottle's, with a content hash over the build context and the base so
 * that a changed file or base is a new image and an unchanged one is never rebuilt.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startProgress } from "../../lib/progress.ts";
import { sha256Hex } from "../../lib/sha256.ts";
import { baseImageOf } from "./base_image.ts";
import { docker, DockerError, dockerOutput, isNoSuchObject } from "./cli.ts";
import { inspectImage } from "./image_inspect.ts";
import { type DockerOwner, labelArgs, LABELS, ownerLabels } from "./labels.ts";

/** The build context: the Dockerfile and whatever it copies. */
export const IMAGE_CONTEXT = fileURLToPath(new URL("./image/", import.meta.url));
export const AGENT_REPOSITORY_PREFIX = "bot-bottle-agent-";

export interface AgentImageInputs {
  /** The image the Dockerfile builds on (its `BASE` argument). */
  base: string;
  /** sha256 over the build context's files and the base. */
  contextHash: string;
}

export function agentImageInputs(
  env: Record<string, string | undefined> = Deno.env.toObject(),
  contextDir: string = IMAGE_CONTEXT,
): AgentImageInputs {
  const base = baseImageOf(env);
  return { base, contextHash: contextHash(contextFiles(contextDir), base) };
}

/** One file of the build context: its path relative to the context, bytes, executable bit. */
export interface ContextFile {
  path: string;
  content: Uint8Array;
  executable: boolean;
}

/** The hash of the files (in path order, whatever order they come in) and the base. */
export function contextHash(files: readonly ContextFile[], base: string): string {
  const sorted = [...files].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const parts = sorted.map((file) =>
    `${file.path}\0${file.executable ? "x" : "-"}\0${sha256Hex(file.content)}`
  );
  return sha256Hex([`base\0${base}`, ...parts].join("\n"));
}

/** Every regular file under `dir`, recursively. */
export function contextFiles(dir: string, prefix = ""): ContextFile[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return contextFiles(dir, path);
    if (!entry.isFile()) return [];
    const full = join(dir, path);
    return [{
      path,
      content: readFileSync(full),
      executable: (statSync(full).mode & 0o111) !== 0,
    }];
  });
}

/**
 * `bot-bottle-agent-<bottle>:<hash12>`, the hash over the context hash and the whole owner:
 * bottles of the same name in two projects (or state databases) never share a tag.
 */
export function agentImageTag(owner: DockerOwner, contextHash: string): string {
  const key = JSON.stringify([contextHash, owner.project, owner.stateDb, owner.bottle]);
  return `${AGENT_REPOSITORY_PREFIX}${repositoryPart(owner.bottle)}:${sha256Hex(key).slice(0, 12)}`;
}

/**
 * A bottle name as a Docker repository path component (lower-case alphanumerics separated by
 * `-`); a name that had to change gets a hash of itself so that two names never meet.
 */
export function repositoryPart(bottle: string): string {
  const cleaned = bottle.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  if (cleaned === bottle && cleaned !== "") return bottle;
  return `${cleaned || "bottle"}-${sha256Hex(bottle).slice(0, 8)}`;
}

/** The labels of a bottle's agent image. */
export function agentImageLabels(owner: DockerOwner, contextHash: string): Record<string, string> {
  return { ...ownerLabels(owner, "image"), [LABELS.contentHash]: contextHash };
}

/** The `docker build` arguments (the context directory last). */
export function buildArgs(
  tag: string,
  owner: DockerOwner,
  inputs: AgentImageInputs,
  contextDir: string,
): string[] {
  return [
    "build",
    "--network",
    "none",
    "--pull=false",
    "--force-rm",
    "--quiet",
    "-t",
    tag,
    "--build-arg",
    `BASE=${inputs.base}`,
    ...labelArgs(agentImageLabels(owner, inputs.contextHash)),
    contextDir,
  ];
}

/** Builds the bottle's agent image (the base must exist); returns its id. */
export async function buildAgentImage(
  owner: DockerOwner,
  inputs: AgentImageInputs,
  contextDir: string = IMAGE_CONTEXT,
): Promise<string> {
  const tag = agentImageTag(owner, inputs.contextHash);
  const progress = startProgress({ label: `building Docker image ${tag}` });
  try {
    await docker(buildArgs(tag, owner, inputs, contextDir), {
      env: { DOCKER_BUILDKIT: "0" },
      timeoutMs: 10 * 60_000,
    });
    progress.stop("built");
  } catch (error) {
    progress.stop("failed");
    throw error;
  }
  const image = await inspectImage(tag);
  if (!image) throw new Error(`docker build ${tag} succeeded but the image is not there`);
  return image.id;
}

/** Removes the tag (and its image, once no other tag names it); a missing one is no error. */
export async function removeAgentImage(tag: string): Promise<void> {
  const result = await dockerOutput(["image", "rm", tag]);
  if (result.code === 0 || isNoSuchObject(result)) return;
  throw new DockerError(`docker image rm ${tag}: ${result.stderr.trim()}`, result);
}
