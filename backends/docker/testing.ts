/** Test helpers for the docker backend: a daemon is required (CI starts one), and an image. */
import { join } from "node:path";
import { PreflightError } from "../backend.ts";
import { dockerPreflight } from "./preflight.ts";
import { agentImageInputs, agentImageTag, buildAgentImage } from "./agent_image.ts";
import { ensureBaseImage } from "./base_image.ts";
import { inspectImage } from "./image_inspect.ts";

/** Fails (never skips: a broken setup must be seen) when no Docker daemon answers. */
export async function requireDocker(): Promise<void> {
  try {
    await dockerPreflight();
  } catch (error) {
    const fix = error instanceof PreflightError ? ` (${error.fix})` : "";
    throw new Error(`this test needs a usable Docker engine: ${(error as Error).message}${fix}`);
  }
}

const TEST_OWNER = { project: "/bot-bottle-tests", stateDb: "/bot-bottle-tests/state.db" };

/** An agent image for backend tests (built once per machine and image context; kept). */
export async function dockerTestImage(): Promise<string> {
  const env = Deno.env.toObject();
  const cache = env.BOT_BOTTLE_CACHE_DIR ?? join(env.HOME ?? "/tmp", ".cache", "bot-bottle");
  await ensureBaseImage({ env, workDir: join(cache, "docker-base") });
  const inputs = agentImageInputs(env);
  const owner = { ...TEST_OWNER, bottle: "backend-tests" };
  const tag = agentImageTag(owner, inputs.contextHash);
  if (!(await inspectImage(tag))) await buildAgentImage(owner, inputs);
  return tag;
}
