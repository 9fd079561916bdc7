import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { ManifestErrors } from "./errors.ts";
import { loadProject } from "./loader.ts";
import type { Project } from "./types.ts";

export const BASE_BOTTLE = "---\nbackend: bwrap\n---\n";

/** Write `files` (relative path → text) into a fresh temporary project directory. */
export async function writeProject(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "bottle-manifest-" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(dir, dirname(path)), { recursive: true });
    await Deno.writeTextFile(join(dir, path), text);
  }
  return dir;
}

export async function loadFiles(files: Record<string, string>): Promise<Project> {
  const dir = await writeProject(files);
  try {
    return await loadProject(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Load a project that must fail; returns the errors formatted relative to the project. */
export async function loadErrors(files: Record<string, string>): Promise<string> {
  const dir = await writeProject(files);
  try {
    await loadProject(dir);
  } catch (error) {
    assert.ok(error instanceof ManifestErrors, `expected ManifestErrors, got ${error}`);
    return error.format(await Deno.realPath(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  throw new assert.AssertionError({ message: "expected the project to fail to load" });
}

/**
 * Assert that `output` reports `where` (`file:line:col`) with a message containing `message`,
 * followed by a hint line, and that no stack trace leaked into it.
 */
export function assertReported(output: string, where: string, message: string): void {
  const lines = output.split("\n");
  const index = lines.findIndex((line) => line.startsWith(`${where}: `) && line.includes(message));
  assert.ok(index >= 0, `expected "${where}: …${message}…" in:\n${output}`);
  assert.match(lines[index + 1] ?? "", /^ {2}hint: \S/, `no hint after line ${index}:\n${output}`);
  assert.doesNotMatch(output, /^\s*at /m, `stack trace in:\n${output}`);
}
