/** Policy and secrets read together: the daemon takes both or neither (start and SIGHUP). */

import { join } from "node:path";
import { type CompiledPolicy, LOADED_POLICY_FILE, loadPolicyFile } from "./policy/mod.ts";
import { EMPTY_SECRETS, loadSecretsFile, type SecretTable } from "./secrets/mod.ts";

export interface ConfigPaths {
  bottle: string;
  policy: string;
  /** Absent: the bottle injects nothing. */
  secrets: string | null;
}

export interface LoadedConfig {
  policy: CompiledPolicy;
  secrets: SecretTable;
  /** What LOADED_POLICY_FILE records for this pair. */
  marker: string;
}

/** Throws (naming the file, never a value) when either file is unusable. */
export function loadConfig(paths: ConfigPaths): LoadedConfig {
  const loaded = loadPolicyFile(paths.policy);
  if (loaded.policy.bottle !== paths.bottle) {
    throw new Error(
      `egress policy ${paths.policy} is for bottle "${loaded.policy.bottle}", ` +
        `not "${paths.bottle}"`,
    );
  }
  if (paths.secrets === null) {
    return { policy: loaded.policy, secrets: EMPTY_SECRETS, marker: loaded.sha256 };
  }
  const secrets = loadSecretsFile(paths.secrets, paths.bottle);
  return {
    policy: loaded.policy,
    secrets: secrets.secrets,
    marker: `${loaded.sha256} ${secrets.sha256}`,
  };
}

/** Records which configuration is in force (see LOADED_POLICY_FILE), atomically. */
export function writeLoadedMarker(logDir: string, marker: string): void {
  const path = join(logDir, LOADED_POLICY_FILE);
  Deno.writeTextFileSync(`${path}.tmp`, marker, { mode: 0o600 });
  Deno.renameSync(`${path}.tmp`, path);
}
