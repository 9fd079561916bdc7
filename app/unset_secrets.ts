/**
 * Secrets that are not available yet. `plan` still shows the plan (the binding's fingerprint
 * is UNSET_FINGERPRINT, so the secrets file plans as a change) and warns; `apply` and
 * `apply PLANFILE` refuse until every secret they would write can be read.
 */
import type { Plan } from "../engine/plan.ts";
import type { JsonValue } from "../lib/json.ts";
import type { SecretSource } from "../manifest/types.ts";
import { describeSource, readSecret, SecretUnavailable } from "../resources/secret_source.ts";
import { readPrivateKey } from "../resources/git_credentials.ts";
import { UserError } from "./errors.ts";

/** The fingerprint recorded in a plan for a secret that could not be read. */
export const UNSET_FINGERPRINT = "(unset)";

export interface UnsetSecret {
  /** `bottles/dev.md: route api.example.com (env API_KEY)`. */
  where: string;
  message: string;
  hint: string;
}

/** Throws the refusal for apply when any secret is unset. */
export function refuseUnset(unset: readonly UnsetSecret[]): void {
  if (unset.length === 0) return;
  const lines = unset.map((item) => `  ${item.where}: ${item.message}`);
  throw new UserError(
    `cannot apply: ${unset.length} secret(s) are not available:\n${lines.join("\n")}`,
    unset[0].hint,
  );
}

/**
 * Before applying a saved plan: every secrets file it would write must have its secrets
 * now, and none may have been unset when the plan was made (its fingerprint would be wrong).
 */
export function checkPlanSecrets(plan: Plan, env: Record<string, string>): void {
  const unset: UnsetSecret[] = [];
  for (const action of plan.actions) {
    const list = SECRET_LISTS[action.type];
    if (list === undefined || action.node === null) continue;
    if (action.kind === "noop" || action.kind === "delete" || action.kind === "settle") continue;
    const bindings = action.node.inputs[list];
    for (const binding of Array.isArray(bindings) ? bindings : []) {
      const source = sourceOf(binding);
      if (source === null) continue;
      const where = `${action.id}: ${labelOf(binding)} (${describeSource(source)})`;
      if (fingerprintOf(binding) === UNSET_FINGERPRINT) {
        unset.push({
          where,
          message: "was not set when this plan was made",
          hint: "set it, then run plan --out FILE again and apply the new plan",
        });
        continue;
      }
      try {
        if (fieldOf(binding, "kind") === "ssh-key") readPrivateKey(source, env);
        else readSecret(source, env);
      } catch (error) {
        if (!(error instanceof SecretUnavailable)) throw error;
        unset.push({ where, message: error.message, hint: error.hint });
      }
    }
  }
  refuseUnset(unset);
}

function fieldOf(value: JsonValue, key: string): JsonValue | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? value[key]
    : undefined;
}

function sourceOf(binding: JsonValue): SecretSource | null {
  const source = fieldOf(binding, "source");
  if (source === undefined || source === null) return null;
  const env = fieldOf(source, "env");
  const file = fieldOf(source, "file");
  if (typeof env === "string") return { env };
  if (typeof file === "string") return { file };
  return null;
}

/** The resource types that record secrets, and the input listing them. */
const SECRET_LISTS: Record<string, string> = {
  egress_secrets: "secrets",
  git_credentials: "credentials",
};

/** `route HOST[PREFIX]` for an egress secret, `git upstream NAME` for a git credential. */
function labelOf(binding: JsonValue): string {
  const name = fieldOf(binding, "name");
  if (typeof name === "string") return `git upstream ${name}`;
  const host = fieldOf(binding, "host");
  const prefix = fieldOf(binding, "path_prefix");
  return `route ${typeof host === "string" ? host : "?"}${
    typeof prefix === "string" ? prefix : ""
  }`;
}

function fingerprintOf(binding: JsonValue): string | undefined {
  const fingerprint = fieldOf(binding, "fingerprint");
  return typeof fingerprint === "string" ? fingerprint : undefined;
}
