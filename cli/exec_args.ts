import type { ExecCommandOptions } from "./exec_command.ts";

/**
 * `exec`'s arguments parsed by hand, so `bottle exec` need not load the full CLI: returns
 * null for anything unusual (help, unknown options), which the full parser then handles.
 */
export function parseExecArgs(
  args: string[],
): { bottle: string; argv: string[]; options: ExecCommandOptions } | null {
  const options: ExecCommandOptions = { env: [] };
  let i = 0;
  const value = (): string | null => (i + 1 < args.length ? args[++i] : null);
  for (; i < args.length && args[i].startsWith("-"); i++) {
    const arg = args[i];
    if (arg === "-t" || arg === "--tty") options.tty = true;
    else if (arg === "-w" || arg === "--cwd") options.cwd = value() ?? undefined;
    else if (arg === "-e" || arg === "--env") options.env!.push(value() ?? "");
    else return null;
  }
  const bottle = args[i];
  if (bottle === undefined || bottle.startsWith("-")) return null;
  const argv = args.slice(i + 1);
  if (argv.length === 0 || (argv.length === 1 && argv[0] === "--")) return null;
  return { bottle, argv, options };
}
