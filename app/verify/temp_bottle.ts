/**
 * A throwaway bottle for `bottle verify` without a name: its own state and project
 * directories under one temp directory, applied with the real engine, destroyed at the end.
 * It has what the probes look at: a credentialed route (its secret a random value set only
 * in the engine's environment), a `claude` agent with a skill (the CLI's install is a stub in
 * a scratch cache: nothing is downloaded, and the agent is never run) and a git identity.
 */
import { hex } from "../../lib/bytes.ts";
import { lstatSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { CLAUDE_TEMPLATE } from "../../manifest/templates/claude.ts";
import { bottleDir } from "../../engine/state_dir.ts";
import { clearDirectory } from "../../resources/confined_files.ts";
import { makeDestroyPlan } from "../planner.ts";
import { openSession, type Session } from "../session.ts";
import { applyProject, runPlan } from "./engine_ops.ts";

export const TEMP_BOTTLE = "verify";
export const TEMP_AGENT = "verifier";
export const SECRET_ENV = "BOT_BOTTLE_VERIFY_SECRET";
export const ROUTE_HOST = "verify-route.bot-bottle.invalid";

export interface TempBottle {
  bottle: string;
  base: string;
  projectDir: string;
  session: Session;
  /** Removes the bottle (destroy) and every file of it; throws naming what is left. */
  destroy(): Promise<void>;
}

const BOTTLE_MD = `---
egress:
  allow: [${ROUTE_HOST}]
  routes:
    - host: ${ROUTE_HOST}
      auth: { scheme: bearer, secret: { env: ${SECRET_ENV} } }
git_user: { name: bot-bottle verify, email: verify@bot-bottle.invalid }
---
A throwaway bottle made by \`bottle verify\`.
`;

const AGENT_MD = `---
provider: claude
bottle: ${TEMP_BOTTLE}
skills: [../skills/verify-skill]
---
A probe agent of \`bottle verify\`; it is never run.
`;

const SKILL_MD = `---
name: verify-skill
description: A skill of bottle verify's probe agent
---
Nothing to do.
`;

function randomSecret(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return prefix + hex(bytes);
}

async function writeProject(base: string): Promise<{ projectDir: string; cacheDir: string }> {
  const projectDir = join(base, "project");
  const cacheDir = join(base, "cache");
  await Deno.mkdir(join(projectDir, "bottles"), { recursive: true });
  await Deno.mkdir(join(projectDir, "agents"), { recursive: true });
  await Deno.mkdir(join(projectDir, "skills", "verify-skill"), { recursive: true });
  await Deno.writeTextFile(join(projectDir, "bottles", `${TEMP_BOTTLE}.md`), BOTTLE_MD);
  await Deno.writeTextFile(join(projectDir, "agents", `${TEMP_AGENT}.md`), AGENT_MD);
  await Deno.writeTextFile(join(projectDir, "skills", "verify-skill", "SKILL.md"), SKILL_MD);
  // A stub install: apply finds the CLI's binary in the cache and skips npm.
  const { cacheName, npm, binDir, binary } = CLAUDE_TEMPLATE;
  const install = join(cacheDir, `${cacheName}@${npm.version}`);
  await Deno.mkdir(join(install, binDir), { recursive: true });
  await Deno.writeTextFile(join(install, binary), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  return { projectDir: realpathSync(projectDir), cacheDir };
}

/**
 * The directories the agent writes (its home, the workspace), should destroy have left them:
 * emptied as the agent in a confined sandbox (never walked on the host, where a link or a
 * directory swapped for one mid-walk would be followed as the operator), then removed.
 * Returns what could not be removed; the caller then leaves everything around them alone.
 */
export async function removeAgentDirs(stateDir: string): Promise<string[]> {
  const left: string[] = [];
  for (const name of ["home", "workspace"]) {
    const dir = join(bottleDir(stateDir, TEMP_BOTTLE), name);
    if (!lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
    try {
      await clearDirectory(dir);
      await Deno.remove(dir);
    } catch (error) {
      left.push(`${dir}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return left;
}

/** Makes and applies the temporary bottle; on failure nothing of it is left. */
export async function createTempBottle(): Promise<TempBottle> {
  // Short: the door's Unix socket path must stay under 108 bytes.
  const base = realpathSync(await Deno.makeTempDir({ prefix: "bbv-" }));
  const stateDir = join(base, "state");
  let session: Session | null = null;
  const destroy = async (): Promise<void> => {
    const left: string[] = [];
    if (session) {
      try {
        const outcome = await runPlan(session, await makeDestroyPlan(session));
        if (!outcome.ok) left.push(outcome.summary);
      } catch (error) {
        left.push(error instanceof Error ? error.message : String(error));
      } finally {
        session.close();
      }
    }
    const agentDirs = await removeAgentDirs(stateDir);
    left.push(...agentDirs);
    try {
      // Only the engine's and verify's own files are left below base now.
      if (agentDirs.length === 0) await Deno.remove(base, { recursive: true });
    } catch (error) {
      left.push(`${base}: ${(error as Error).message}`);
    }
    if (left.length > 0) {
      throw new Error(`the temporary bottle was not removed completely: ${left.join("; ")}`);
    }
  };
  try {
    const { projectDir, cacheDir } = await writeProject(base);
    const env: Record<string, string> = {
      ...Deno.env.toObject(),
      BOT_BOTTLE_CACHE_DIR: cacheDir,
      [SECRET_ENV]: randomSecret("bb-verify-secret-"),
      [CLAUDE_TEMPLATE.keyEnv]: randomSecret("sk-ant-bb-verify-"),
    };
    session = openSession({ dir: projectDir, stateDir, env });
    const outcome = await applyProject(session);
    if (!outcome.ok) {
      throw new Error(`the temporary bottle could not be applied: ${outcome.summary}`);
    }
    return { bottle: TEMP_BOTTLE, base, projectDir, session, destroy };
  } catch (error) {
    const cleanup = await destroy().then(() => "", (left: Error) => `; ${left.message}`);
    if (error instanceof Error) {
      error.message += cleanup;
      throw error;
    }
    throw new Error(`${String(error)}${cleanup}`);
  }
}
