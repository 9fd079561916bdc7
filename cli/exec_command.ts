import { execInSandbox, runningSandbox } from "../app/sandbox.ts";
import { UserError } from "./errors.ts";

export interface ExecCommandOptions {
  tty?: boolean;
  cwd?: string;
  env?: string[];
  /** Variables set before `env`'s pairs (an agent's own environment). */
  envVars?: Record<string, string>;
}

/** `bottle exec BOTTLE -- CMD…`: runs CMD inside the bottle's sandbox; returns its status. */
export async function execCommand(
  bottle: string,
  argv: string[],
  options: ExecCommandOptions,
): Promise<number> {
  if (argv[0] === "--") argv = argv.slice(1);
  if (argv.length === 0) throw new UserError("nothing to run", "bottle exec BOTTLE -- CMD [ARG…]");
  const sandbox = runningSandbox(bottle);
  const { code, stopped } = await execInSandbox(sandbox, argv, {
    tty: options.tty ?? false,
    cwd: options.cwd,
    env: { ...options.envVars, ...parseEnv(options.env ?? []) },
  });
  if (stopped) console.error(stopped);
  return code;
}

function parseEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new UserError(`invalid --env "${pair}"`, "write --env NAME=VALUE");
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}
