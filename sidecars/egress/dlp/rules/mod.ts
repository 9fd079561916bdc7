import { CHAT_RULES } from "./chat.ts";
import { CI_RULES } from "./ci.ts";
import { CLOUD_RULES } from "./cloud.ts";
import { CONNECTION_RULES } from "./connection.ts";
import { DEVTOOLS_RULES } from "./devtools.ts";
import { GENERIC_RULES } from "./generic.ts";
import { HOSTING_RULES } from "./hosting.ts";
import { KEY_RULES } from "./keys.ts";
import { LLM_RULES } from "./llm.ts";
import { MAIL_RULES } from "./mail.ts";
import { OBSERVABILITY_RULES } from "./observability.ts";
import { PAYMENT_RULES } from "./payments.ts";
import { PRODUCTIVITY_RULES } from "./productivity.ts";
import { REGISTRY_RULES } from "./registries.ts";
import type { SecretRule } from "./rule.ts";
import { SOURCE_CONTROL_RULES } from "./source_control.ts";

export type { SecretRule } from "./rule.ts";

/** Every built-in secret format. */
export const SECRET_RULES: readonly SecretRule[] = [
  ...CLOUD_RULES,
  ...HOSTING_RULES,
  ...SOURCE_CONTROL_RULES,
  ...REGISTRY_RULES,
  ...LLM_RULES,
  ...CHAT_RULES,
  ...MAIL_RULES,
  ...PAYMENT_RULES,
  ...KEY_RULES,
  ...OBSERVABILITY_RULES,
  ...DEVTOOLS_RULES,
  ...CI_RULES,
  ...PRODUCTIVITY_RULES,
  ...CONNECTION_RULES,
  ...GENERIC_RULES,
];

/** The distinct rule ids (one per format). */
export const SECRET_RULE_IDS: readonly string[] = [...new Set(SECRET_RULES.map((r) => r.id))];
