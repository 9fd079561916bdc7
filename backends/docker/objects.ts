/**
 * What Docker holds that bot-bottle made: containers, images, volumes and networks, with their
 * labels (see labels.ts), read in a few CLI calls. Containers are read whoever made them, so
 * that an image in use by any container is known to be in use.
 */
import { z } from "zod";
import { DockerError, dockerOutput } from "./cli.ts";
import { LABELS } from "./labels.ts";

export interface DockerContainer {
  id: string;
  /** Without Docker's leading `/`. */
  name: string;
  labels: Record<string, string>;
  /** ISO time. */
  created: string;
  /** `running`, `exited`, `created`, `paused`, … */
  state: string;
  /** The id of the image it runs. */
  image: string;
}

export interface DockerImage {
  id: string;
  /** `repository:tag` names (none for a dangling image). */
  tags: string[];
  labels: Record<string, string>;
}

export interface DockerVolume {
  name: string;
  labels: Record<string, string>;
}

export interface DockerNetwork {
  id: string;
  name: string;
  labels: Record<string, string>;
}

export interface DockerObjects {
  /** Every container (running or not); bot-bottle's carry its labels. */
  containers: DockerContainer[];
  /** Images, volumes and networks labelled as bot-bottle's. */
  images: DockerImage[];
  volumes: DockerVolume[];
  networks: DockerNetwork[];
}

const labels = z.record(z.string(), z.string()).nullish().transform((value) => value ?? {});

const containerSchema = z.object({
  Id: z.string(),
  Name: z.string(),
  Created: z.string(),
  Image: z.string(),
  State: z.object({ Status: z.string() }),
  Config: z.object({ Labels: labels }),
});
const imageSchema = z.object({
  Id: z.string(),
  RepoTags: z.array(z.string()).nullish(),
  Config: z.object({ Labels: labels }).nullish(),
});
const volumeSchema = z.object({ Name: z.string(), Labels: labels });
const networkSchema = z.object({ Id: z.string(), Name: z.string(), Labels: labels });

/** `docker inspect` output: its objects (those that vanished meanwhile are left out). */
export function parseContainers(json: string): DockerContainer[] {
  return z.array(containerSchema).parse(JSON.parse(json)).map((container) => ({
    id: container.Id,
    name: container.Name.replace(/^\//, ""),
    labels: container.Config.Labels,
    created: container.Created,
    state: container.State.Status,
    image: container.Image,
  }));
}

export function parseImages(json: string): DockerImage[] {
  return z.array(imageSchema).parse(JSON.parse(json)).map((image) => ({
    id: image.Id,
    tags: (image.RepoTags ?? []).filter((tag) => tag !== "<none>:<none>"),
    labels: image.Config?.Labels ?? {},
  }));
}

export function parseVolumes(json: string): DockerVolume[] {
  return z.array(volumeSchema).parse(JSON.parse(json)).map((volume) => ({
    name: volume.Name,
    labels: volume.Labels,
  }));
}

export function parseNetworks(json: string): DockerNetwork[] {
  return z.array(networkSchema).parse(JSON.parse(json)).map((network) => ({
    id: network.Id,
    name: network.Name,
    labels: network.Labels,
  }));
}

const MANAGED = `label=${LABELS.managed}=1`;

/** Everything of bot-bottle's that Docker holds, and every container. */
export async function observeDocker(): Promise<DockerObjects> {
  const [containers, images, volumes, networks] = await Promise.all([
    inspectListed(["ps", "--all", "--quiet", "--no-trunc"], "container"),
    inspectListed(["images", "--quiet", "--no-trunc", "--filter", MANAGED], "image"),
    inspectListed(["volume", "ls", "--quiet", "--filter", MANAGED], "volume"),
    inspectListed(["network", "ls", "--quiet", "--no-trunc", "--filter", MANAGED], "network"),
  ]);
  return {
    containers: parseContainers(containers),
    images: parseImages(images),
    volumes: parseVolumes(volumes),
    networks: parseNetworks(networks),
  };
}

/** The containers (running or not) that the state database `stateDb` labels as its own. */
export async function containersOf(stateDb: string): Promise<DockerContainer[]> {
  const filter = `label=${LABELS.stateDb}=${stateDb}`;
  return parseContainers(
    await inspectListed(["ps", "--all", "--quiet", "--no-trunc", "--filter", filter], "container"),
  );
}

/** Lists ids with `list`, then inspects them as `kind`; `[]` as JSON when there are none. */
async function inspectListed(list: string[], kind: string): Promise<string> {
  const listed = await dockerOutput(list);
  if (listed.code !== 0) {
    throw new DockerError(`docker ${list.slice(0, 2).join(" ")}: ${listed.stderr.trim()}`, listed);
  }
  const ids = [...new Set(listed.stdout.split("\n").map((line) => line.trim()).filter(Boolean))];
  if (ids.length === 0) return "[]";
  const inspected = await dockerOutput([kind, "inspect", ...ids]);
  // Objects removed since the listing are errors on stderr; the rest are still printed.
  if (inspected.code !== 0 && !inspected.stdout.trim().startsWith("[")) {
    throw new DockerError(`docker ${kind} inspect: ${inspected.stderr.trim()}`, inspected);
  }
  return inspected.stdout;
}
