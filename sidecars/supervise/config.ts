/**
 * The sidecar's configuration file (a JSON SuperviseConfig, `supervise.json` in the bottle
 * directory): the shape check (pure, nothing in the file is trusted) and the read.
 *
 * A reload (SIGHUP) may change the agents, the kinds, the limits, the wait and the notify
 * command's arguments; it may not change what the daemon's permissions were granted for
 * (the files, the log directory, the notify program): such a config is refused as a whole
 * and the sidecar must be restarted (see restartFields).
 */

import { REQUEST_KINDS, type RequestKind, type SuperviseConfig } from "./wire.ts";
import type { NotifyCommand } from "./wire.ts";

type Json = Record<string, unknown>;

/** The longest a tool call may wait; MCP clients time a call out after about a minute. */
export const MAX_WAIT_SECONDS = 600;

// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;
const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Validates a parsed config file; throws a ConfigError naming every problem. */
export function parseConfig(value: unknown): SuperviseConfig {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError("invalid supervise config: expected a JSON object");
  }
  const raw = value as Json;
  const problems: string[] = [];
  const text = (key: string): string => {
    const item = raw[key];
    if (typeof item !== "string" || item === "" || CONTROL.test(item)) {
      problems.push(`${key} must be a non-empty string`);
      return "";
    }
    return item;
  };
  const path = (key: string): string => {
    const item = text(key);
    if (item !== "" && (!item.startsWith("/") || item.includes(","))) {
      problems.push(`${key} must be an absolute path without commas`);
    }
    return item;
  };
  const count = (key: string, min: number, max: number): number => {
    const item = raw[key];
    if (typeof item !== "number" || !Number.isFinite(item) || item < min || item > max) {
      problems.push(`${key} must be a number from ${min} to ${max}`);
      return min;
    }
    return item;
  };
  if (raw.version !== 1) {
    problems.push(`version must be 1 (got ${JSON.stringify(raw.version) ?? "nothing"})`);
  }
  const config: SuperviseConfig = {
    version: 1,
    bottle: text("bottle"),
    project: path("project"),
    state_db: path("state_db"),
    egress_policy_file: path("egress_policy_file"),
    agents: agents(raw.agents, problems),
    kinds: kinds(raw.kinds, problems),
    wait_seconds: count("wait_seconds", 0, MAX_WAIT_SECONDS),
    max_pending: Math.floor(count("max_pending", 1, 1000)),
    per_hour: Math.floor(count("per_hour", 1, 10000)),
    notify: notify(raw.notify, problems),
    log_dir: path("log_dir"),
  };
  if (raw.gate_policy_file !== undefined) config.gate_policy_file = path("gate_policy_file");
  if (problems.length > 0) {
    throw new ConfigError(`invalid supervise config: ${problems.join("; ")}`);
  }
  return config;
}

function agents(value: unknown, problems: string[]): string[] {
  if (
    !Array.isArray(value) || value.length === 0 ||
    value.some((item) => typeof item !== "string" || !AGENT_NAME.test(item))
  ) {
    problems.push("agents must be a non-empty list of agent names");
    return [];
  }
  return [...new Set(value as string[])];
}

function kinds(value: unknown, problems: string[]): RequestKind[] {
  if (
    !Array.isArray(value) ||
    value.some((item) => !REQUEST_KINDS.includes(item as RequestKind))
  ) {
    problems.push(`kinds must be a list of ${REQUEST_KINDS.join(", ")}`);
    return [];
  }
  return [...new Set(value as RequestKind[])];
}

function notify(value: unknown, problems: string[]): NotifyCommand | null {
  if (value === null || value === undefined) return null;
  const raw = value as Json;
  if (typeof raw === "object" && !Array.isArray(raw)) {
    if (
      Array.isArray(raw.argv) && raw.argv.length > 0 && raw.shell === undefined &&
      raw.argv.every((arg) => typeof arg === "string" && !arg.includes("\0")) &&
      raw.argv[0] !== "" && !String(raw.argv[0]).includes(",")
    ) {
      return { argv: [...raw.argv as string[]] };
    }
    if (
      typeof raw.shell === "string" && raw.shell.trim() !== "" && !raw.shell.includes("\0") &&
      raw.argv === undefined
    ) {
      return { shell: raw.shell };
    }
  }
  problems.push(
    'notify must be null, {"argv": ["program", …]} (program without commas) or {"shell": "…"}',
  );
  return null;
}

/** The program the notify command runs (what `--allow-run` must name), or null. */
export function notifyProgram(notify: NotifyCommand | null): string | null {
  if (notify === null) return null;
  return "argv" in notify ? notify.argv[0] : "/bin/sh";
}

/** The fields that differ and that the daemon's permissions depend on: these need a restart. */
export function restartFields(before: SuperviseConfig, after: SuperviseConfig): string[] {
  const changed: string[] = [];
  for (const key of ["state_db", "egress_policy_file", "gate_policy_file", "log_dir"] as const) {
    if (before[key] !== after[key]) changed.push(key);
  }
  if (notifyProgram(before.notify) !== notifyProgram(after.notify)) changed.push("notify program");
  return changed;
}

/** Reads and validates the config file; throws with the file name on any problem. */
export function loadConfig(path: string): SuperviseConfig {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseConfig(parsed);
  } catch (error) {
    throw new ConfigError(`${path}: ${(error as Error).message}`);
  }
}
