/**
 * The Docker objects the docker section makes beside its worlds, and their teardown: a plain
 * container started from a bottle's agent image (the `docker exec` peer), and an extra tag
 * that keeps a bottle's agent image through its destroys (so that every cold apply finds its
 * image cached). All carry the label `dev.bot-bottle.bench`; they are removed at the end, on
 * SIGINT/SIGTERM too, and the plain container ends by itself after PLAIN_LIFETIME_S anyway.
 */
import { dockerOutput } from "../../backends/docker/cli.ts";
import { LABELS } from "../../backends/docker/labels.ts";

export const BENCH_LABEL = "dev.bot-bottle.bench";
/** The plain container's pid 1 is `sleep` this long: it outlives no crashed bench for long. */
export const PLAIN_LIFETIME_S = 1800;
const DOCKER_TIMEOUT_MS = 60_000;

/** The name of `role`'s object among the bottle objects recorded by `stateDir`'s database. */
export async function labelledObject(
  kind: "container" | "image",
  stateDir: string,
  role: "agent" | "image",
): Promise<string | null> {
  const filters = [
    "--filter",
    `label=${LABELS.stateDb}=${stateDir}/state.db`,
    "--filter",
    `label=${LABELS.role}=${role}`,
  ];
  const args = kind === "container"
    ? ["ps", ...filters, "--format", "{{.Names}}"]
    : ["images", ...filters, "--format", "{{.Repository}}:{{.Tag}}"];
  const result = await dockerOutput(args, { timeoutMs: DOCKER_TIMEOUT_MS });
  if (result.code !== 0) return null;
  return result.stdout.split("\n").map((line) => line.trim()).find((line) => line !== "") ?? null;
}

/** Containers (running or not) that `stateDir`'s database labels as its own. */
export async function containersOf(stateDir: string): Promise<string[]> {
  const result = await dockerOutput([
    "ps",
    "--all",
    "--filter",
    `label=${LABELS.stateDb}=${stateDir}/state.db`,
    "--format",
    "{{.Names}}",
  ], { timeoutMs: DOCKER_TIMEOUT_MS });
  return result.stdout.split("\n").filter((line) => line.trim() !== "");
}

/** What the bench made with the docker CLI, removed by `dispose` (also on an interrupt). */
export class BenchDockerObjects {
  private readonly containers = new Set<string>();
  private readonly tags = new Set<string>();
  private disposal: Promise<string[]> | null = null;
  private readonly onSignal = (): void => {
    this.dispose().catch(() => {});
  };

  constructor() {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      Deno.addSignalListener(signal, this.onSignal);
    }
  }

  /** Tags `image` as `bot-bottle-bench-keep:ID` too; returns the new tag. */
  async keep(image: string, id: string): Promise<string> {
    const tag = `bot-bottle-bench-keep:${id}`;
    this.tags.add(tag);
    const result = await dockerOutput(["tag", image, tag], { timeoutMs: DOCKER_TIMEOUT_MS });
    if (result.code !== 0) throw new Error(`docker tag ${image} ${tag}: ${result.stderr.trim()}`);
    return tag;
  }

  /** Starts `image` detached with no network, idle; returns its name. */
  async startPlain(image: string, id: string): Promise<string> {
    const name = `bot-bottle-bench-plain-${id}`;
    this.containers.add(name);
    const result = await dockerOutput([
      "run",
      "--detach",
      "--rm",
      "--network",
      "none",
      "--log-driver",
      "none",
      "--label",
      `${BENCH_LABEL}=1`,
      "--name",
      name,
      image,
      "sleep",
      String(PLAIN_LIFETIME_S),
    ], { timeoutMs: DOCKER_TIMEOUT_MS });
    if (result.code !== 0) throw new Error(`docker run ${image}: ${result.stderr.trim()}`);
    return name;
  }

  /** Removes the plain container now (before its image's bottle is destroyed). */
  async removePlain(name: string): Promise<void> {
    const result = await dockerOutput(["rm", "--force", name], { timeoutMs: DOCKER_TIMEOUT_MS });
    if (result.code === 0 || /no such container/i.test(result.stderr)) {
      this.containers.delete(name);
      return;
    }
    throw new Error(`docker rm ${name}: ${result.stderr.trim()}`);
  }

  /** Removes everything left; returns what could not be removed. Idempotent. */
  dispose(): Promise<string[]> {
    this.disposal ??= this.teardown();
    return this.disposal;
  }

  private async teardown(): Promise<string[]> {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      Deno.removeSignalListener(signal, this.onSignal);
    }
    const problems: string[] = [];
    for (const name of this.containers) {
      const result = await dockerOutput(["rm", "--force", name], { timeoutMs: DOCKER_TIMEOUT_MS });
      if (result.code !== 0 && !/no such container/i.test(result.stderr)) {
        problems.push(`docker rm ${name}: ${result.stderr.trim()}`);
      }
    }
    for (const tag of this.tags) {
      const result = await dockerOutput(["image", "rm", tag], { timeoutMs: DOCKER_TIMEOUT_MS });
      if (result.code !== 0 && !/no such image/i.test(result.stderr)) {
        problems.push(`docker image rm ${tag}: ${result.stderr.trim()}`);
      }
    }
    return problems;
  }
}
