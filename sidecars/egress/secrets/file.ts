/** Reading the secrets file (see wire.ts); errors name the file, never a value. */

import { sha256Hex } from "../../../lib/sha256.ts";
import { compileSecrets, SecretsError, type SecretTable } from "./table.ts";

export interface LoadedSecrets {
  secrets: SecretTable;
  /** sha256 of the exact file text (reported in the loaded marker). */
  sha256: string;
}

export function loadSecretsFile(path: string, bottle: string): LoadedSecrets {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    throw new SecretsError(`cannot read secrets file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SecretsError(`secrets file ${path} is not valid JSON`);
  }
  try {
    return { secrets: compileSecrets(parsed, bottle), sha256: sha256Hex(text) };
  } catch (error) {
    if (error instanceof SecretsError) throw new SecretsError(`${path}: ${error.message}`);
    throw error;
  }
}
