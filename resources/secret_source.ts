import { readFileSync } from "node:fs";
import type { SecretSource } from "../manifest/types.ts";

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
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SecretUnavailable(
      `cannot read secret file ${path}: ${(error as Error).message}`,
      "create it (mode 0600) or point `secret: {file: …}` at the right path",
    );
  }
  const value = text.replace(/\r?\n$/, "");
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
