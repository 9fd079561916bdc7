#!/usr/bin/env -S deno run -A
/**
 * The `bottle` CLI and the engine's plan / apply / destroy / drift commands. `bottle exec`
 * takes a fast path that loads neither the argument parser nor the engine, so it starts
 * close to bare Deno start-up; everything else goes through cli/program.ts.
 *
 * cli/program.ts is imported through a variable on purpose: Deno reads (and resolves the npm
 * packages of) every module a literal `import("…")` can reach before main.ts runs, which
 * would cost the fast path the whole CLI's module graph (~70 ms) without running any of it.
 */
import { parseExecArgs } from "./cli/exec_args.ts";
import { reportError } from "./cli/errors.ts";

const fast = Deno.args[0] === "exec" ? parseExecArgs(Deno.args.slice(1)) : null;
if (fast) {
  const { execCommand } = await import("./cli/exec_command.ts");
  let code: number;
  try {
    code = await execCommand(fast.bottle, fast.argv, fast.options);
  } catch (error) {
    code = reportError(error);
  }
  Deno.exit(code);
}
const program = "./cli/program.ts";
await import(program);
