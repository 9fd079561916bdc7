import { validate } from "../app/validate.ts";
import { callerDir } from "./caller_dir.ts";

export interface ValidateOptions {
  dir: string;
  json?: boolean;
}

/**
 * `validate`: loads and compiles the manifests of --dir; reads no state and no secrets and
 * writes nothing. Errors are thrown (located); success prints one line or `{"valid": true}`.
 */
export async function validateCommand(options: ValidateOptions): Promise<number> {
  const summary = await validate({ dir: options.dir, cwd: callerDir() });
  if (options.json) console.log(JSON.stringify({ valid: true, ...summary }, null, 2));
  else {
    console.log(
      `The configuration is valid. (${summary.bottles} bottle(s), ${summary.agents} agent(s), ` +
        `${summary.resources} resources)`,
    );
  }
  return 0;
}
