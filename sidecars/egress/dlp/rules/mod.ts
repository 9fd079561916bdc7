import { CLOUD_RULES } from "./cloud.ts";
import { DEVTOOLS_RULES } from "./devtools.ts";
import { GENERIC_RULES } from "./generic.ts";
import { KEY_RULES } from "./keys.ts";
import { LLM_RULES } from "./llm.ts";
import { REGISTRY_RULES } from "./registries.ts";
import type { SecretRule } from "./rule.ts";
import { SAAS_RULES } from "./saas.ts";
import { SOURCE_CONTROL_RULES } from "./source_control.ts";

export type { SecretRule } from "./rule.ts";

/** Every built-in secret format. */
export const SECRET_RULES: readonly SecretRule[] = [
  ...CLOUD_RULES,
  ...SOURCE_CONTROL_RULES,
  ...REGISTRY_RULES,
  ...LLM_RULES,
  ...SAAS_RULES,
  ...KEY_RULES,
  ...DEVTOOLS_RULES,
  ...GENERIC_RULES,
];

/** The distinct rule ids (one per format). */
export const SECRET_RULE_IDS: readonly string[] = [...new Set(SECRET_RULES.map((r) => r.id))];
