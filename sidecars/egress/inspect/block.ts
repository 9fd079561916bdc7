/** A request the inspection stops: the rule that stopped it, where, and why. */

import type { DlpWhere } from "../dlp/mod.ts";

export interface Block {
  /** The audit rule: `placeholder-leak`, `dlp:<rule id>` or `bottle-secret-split:<route>`. */
  rule: string;
  where: DlpWhere;
  /** For the agent and the audit log; never holds a secret or placeholder. */
  reason: string;
}
