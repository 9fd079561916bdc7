/** How sidecar scripts are run: this Deno, offline, no config discovery, no prompts. */

import { fileURLToPath } from "node:url";

/**
 * `deno run` flags shared by every sidecar: never fetch, never prompt, ignore deno.json, and
 * take npm packages from this checkout's `node_modules` (which the CLI's own run fills), not
 * from the Deno cache of whoever's HOME is set (another HOME's cache would be empty, and the
 * first HTTPS request would fail minting its certificate).
 */
export const DENO_RUN_FLAGS = [
  "run",
  "--no-config",
  "--no-lock",
  "--cached-only",
  "--node-modules-dir=manual",
  "--no-prompt",
];

/** Absolute path of a sidecar script given relative to this directory. */
export function sidecarScript(relative: string): string {
  const url = new URL(relative, import.meta.url);
  if (url.protocol !== "file:") {
    throw new Error(`sidecar scripts must be local files; ${url.href} is not`);
  }
  return fileURLToPath(url);
}

/** Environment variables a sidecar inherits from the operator's (everything else is dropped). */
export const PASSED_ENV = ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR", "LANG", "TZ"];

export function sidecarEnv(source: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const name of PASSED_ENV) {
    if (source[name] !== undefined) env[name] = source[name];
  }
  return env;
}
