import { loadProject } from "../manifest/mod.ts";
import { resolveStateDir } from "../engine/state_dir.ts";
import { compileProject } from "../resources/mod.ts";
import { resolveCacheDir } from "../resources/agent_cli.ts";
import { fromCaller } from "./caller_dir.ts";
import { availableBackends } from "./plan_command.ts";

export interface ValidateOptions {
  dir: string;
  json?: boolean;
}

/**
 * `validate`: loads and compiles the manifests of --dir; reads no state and no secrets and
 * writes nothing. Errors are thrown (located); success prints one line or `{"valid": true}`.
 */
export async function validateCommand(options: ValidateOptions): Promise<number> {
  const project = await loadProject(fromCaller(options.dir), {
    backends: availableBackends(),
  });
  const env = Deno.env.toObject();
  const graph = compileProject(project, {
    stateDir: resolveStateDir(env),
    home: env.HOME ?? "",
    cacheDir: resolveCacheDir(env),
    describeSecret: () => ({ placeholder: "bb_placeholder_validate", fingerprint: "(validate)" }),
  });
  const summary = {
    bottles: project.bottles.size,
    agents: project.agents.size,
    resources: graph.nodes.length,
  };
  if (options.json) console.log(JSON.stringify({ valid: true, ...summary }, null, 2));
  else {
    console.log(
      `The configuration is valid. (${summary.bottles} bottle(s), ${summary.agents} agent(s), ` +
        `${summary.resources} resources)`,
    );
  }
  return 0;
}
