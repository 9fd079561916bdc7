import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { bottleDir } from "../engine/state_dir.ts";
import type { SameShape } from "../engine/json_data.ts";
import type { ProcessIdentity } from "../lib/process.ts";
import type { BundleHandle } from "../sidecars/bundle/types.ts";
import type { SandboxHandle } from "../backends/backend.ts";

/**
 * Handles of running processes are also kept in files beside the bottle, written the
 * moment they exist. A run killed between a side effect and its commit in state thereby
 * leaves a handle the next run adopts or stops, never an orphan; and the egress policy's
 * hot reload can find the bundle without reading another resource's row.
 */

const processIdentity = z.object({ pid: z.number(), startTime: z.number() });

/** A sandbox's handle: the `sandbox` resource's outputs and its `sandbox.json`. */
export const sandboxHandleSchema = z.object({
  backend: z.string(),
  init: processIdentity,
  inner: processIdentity,
  door: processIdentity.optional(),
  ports: z.array(z.number()).optional(),
  containers: z.object({ agent: z.string(), door: z.string() }).optional(),
});

/** A sidecar bundle's handle: the `sidecar_bundle` resource's outputs and its `bundle.json`. */
export const bundleHandleSchema = z.object({
  supervisor: processIdentity,
  sockets: z.record(z.string(), z.string()),
});

const _process: SameShape<z.infer<typeof processIdentity>, ProcessIdentity> = true;
const _sandbox: SameShape<z.infer<typeof sandboxHandleSchema>, SandboxHandle> = true;
const _bundle: SameShape<z.infer<typeof bundleHandleSchema>, BundleHandle> = true;

export function bundleHandlePath(stateDir: string, bottle: string): string {
  return join(bottleDir(stateDir, bottle), "bundle.json");
}

export function sandboxHandlePath(stateDir: string, bottle: string): string {
  return join(bottleDir(stateDir, bottle), "sandbox.json");
}

/** Written whole or not at all (a crash mid-write leaves the previous file or none). */
export function writeHandle(path: string, handle: BundleHandle | SandboxHandle): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(handle), { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/** The bottle's sandbox handle file, or null when there is none. */
export function readSandboxHandle(stateDir: string, bottle: string): SandboxHandle | null {
  return readHandle(sandboxHandlePath(stateDir, bottle), sandboxHandleSchema, "sandbox");
}

/** The bottle's bundle handle file, or null when there is none. */
export function readBundleHandle(stateDir: string, bottle: string): BundleHandle | null {
  return readHandle(bundleHandlePath(stateDir, bottle), bundleHandleSchema, "sidecar bundle");
}

/**
 * A handle file, parsed; null when it does not exist. One that is not a handle (edited by
 * hand, or damaged) is an error saying what to do: without the file, bot-bottle finds a
 * running sandbox or bundle by its processes.
 */
function readHandle<T>(path: string, schema: z.ZodType<T>, what: string): T | null {
  if (!existsSync(path)) return null;
  const text = readFileSync(path, "utf8");
  let problem: string;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    problem = parsed.error.issues.slice(0, 3).map((issue) =>
      `${issue.path.map(String).join(".") || "(the file)"}: ${issue.message}`
    ).join("; ");
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  throw new Error(
    `the ${what} handle file ${path} is malformed (${problem}); remove it and run the ` +
      `command again (bot-bottle then finds a running ${what} by its processes)`,
  );
}

export function removeHandle(path: string): void {
  rmSync(path, { force: true });
}
