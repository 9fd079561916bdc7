/**
 * A stand-in CLI for tests, run in its own process:
 *   test_cli.ts start SPEC_JSON                      prints the handle as JSON, then exits
 *   test_cli.ts exec HANDLE_JSON SPEC_JSON OPTIONS_JSON ARG…   exits with the command's status
 */
import type { ExecOptions, SandboxHandle, SandboxSpec } from "../backend.ts";
import { bwrapBackend } from "./backend.ts";

const [verb, ...rest] = Deno.args;
if (verb === "start") {
  const handle = await bwrapBackend.start(JSON.parse(rest[0]) as SandboxSpec);
  console.log(JSON.stringify(handle));
} else if (verb === "exec") {
  const handle = JSON.parse(rest[0]) as SandboxHandle;
  const spec = JSON.parse(rest[1]) as SandboxSpec;
  const options = JSON.parse(rest[2]) as ExecOptions;
  Deno.exit(await bwrapBackend.exec(handle, spec, rest.slice(3), options));
} else {
  console.error("usage: test_cli.ts start SPEC | exec HANDLE SPEC OPTIONS ARG…");
  Deno.exit(2);
}
