import { z } from "zod";
import { BoundedReadError, readBoundedText } from "../lib/bounded_read.ts";
import type { SameShape } from "../engine/json_data.ts";
import type { SecretSource } from "../manifest/types.ts";
import { firstControl } from "../manifest/yaml_checks.ts";

/** A secret is a token or a key, never more: a larger file is a wrong path. */
export const SECRET_FILE_LIMIT = 64 * 1024;

/** A secret's source as state records it (egress routes, secret bindings). */
export const secretSourceSchema = z.object({
  env: z.string().optional(),
  file: z.string().optional(),
});
const _source: SameShape<z.infer<typeof secretSourceSchema>, SecretSource> = true;

export class SecretUnavailable extends Error {
  override name = "SecretUnavailable";
  constructor(message: string, readonly hint: string) {
    super(message);
  }
}

/**
 * Reads a real secret from the operator's environment or a file, at plan/apply time.
 * A trailing newline of a file is not part of the secret.
 */
export function readSecret(source: SecretSource, env: Record<string, string>): string {
  if (source.env !== undefined) {
    const value = env[source.env];
    if (!value) {
      throw new SecretUnavailable(
        `environment variable ${source.env} is not set`,
        `export ${source.env}=… in the shell that runs plan and apply (it never enters the bottle)`,
      );
    }
    return value;
  }
  const path = expandHome(source.file ?? "", env);
  let text: string;
  try {
    text = readBoundedText(path, SECRET_FILE_LIMIT);
  } catch (error) {
    if (!(error instanceof BoundedReadError)) throw error;
    throw new SecretUnavailable(
      `cannot read secret file: ${error.message}`,
      "point `secret: {file: …}` at a regular file (mode 0600) holding only the secret, " +
        `at most ${SECRET_FILE_LIMIT} bytes`,
    );
  }
  const value = text.replace(/\r?\n$/, "");
  if (firstControl(value, "\t") !== undefined) {
    throw new SecretUnavailable(
      `secret file ${path} holds control characters or more than one line`,
      "put only the secret in it, on one line",
    );
  }
  if (value === "") {
    throw new SecretUnavailable(`secret file ${path} is empty`, "put the secret in it");
  }
  return value;
}

export function expandHome(path: string, env: Record<string, string>): string {
  return path === "~" || path.startsWith("~/") ? `${env.HOME ?? ""}${path.slice(1)}` : path;
}

export function describeSource(source: SecretSource): string {
  return source.env !== undefined ? `env ${source.env}` : `file ${source.file}`;
}
