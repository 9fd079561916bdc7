/**
 * Terraform's spellings, rewritten to this CLI's before commander parses them: single-dash
 * long options (`-out FILE`, `-out=FILE`, `-auto-approve`, `-json`, …) and `--auto-approve`
 * (an alias of `--yes`). `--no-color` may appear anywhere and is taken out (the caller sets
 * NO_COLOR). Commands whose arguments are passed on to something else (`exec`, `run`,
 * `attach`, `shell`) are left alone after their name, and nothing after `--` is touched.
 */

const SINGLE_DASH_LONG = new Set([
  "out",
  "detailed-exitcode",
  "json",
  "target",
  "lock-timeout",
  "parallelism",
  "destroy",
  "dir",
  "version",
  "help",
  "yes",
  "all",
  "bottle",
]);

const RENAMED: Record<string, string> = { "auto-approve": "yes" };

/** Commands whose arguments after the name belong to a program run in a bottle. */
const PASS_THROUGH = new Set(["exec", "run", "attach", "shell"]);

export interface NormalizedArgv {
  argv: string[];
  /** `--no-color` / `-no-color` was given. */
  noColor: boolean;
  /** `--json` / `-json` was given to the command (its errors are then JSON too). */
  json: boolean;
}

export function normalizeArgv(args: readonly string[]): NormalizedArgv {
  const argv: string[] = [];
  let noColor = false;
  let json = false;
  let command: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--" || (command !== undefined && PASS_THROUGH.has(command))) {
      argv.push(...args.slice(i));
      break;
    }
    if (!arg.startsWith("-")) {
      command ??= arg;
      argv.push(arg);
      continue;
    }
    const rewritten = rewriteOption(arg);
    if (rewritten === "--no-color") {
      noColor = true;
      continue;
    }
    if (rewritten === "--json") json = true;
    argv.push(rewritten);
  }
  return { argv, noColor, json };
}

/** One option word in this CLI's spelling (unchanged when it is not an alias). */
function rewriteOption(arg: string): string {
  const match = /^(--?)([a-z][a-z-]*)(=.*)?$/.exec(arg);
  if (match === null) return arg;
  const [, dashes, name, value = ""] = match;
  if (name === "no-color") return value === "" ? "--no-color" : arg;
  const renamed = RENAMED[name];
  if (renamed !== undefined) return value === "" ? `--${renamed}` : arg;
  if (dashes === "-" && SINGLE_DASH_LONG.has(name)) return `--${name}${value}`;
  return arg;
}
