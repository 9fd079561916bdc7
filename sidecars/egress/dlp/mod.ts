/** The egress DLP engine: `createDlpEngine` and the contract types. */
export { createDlpEngine } from "./engine.ts";
export { BODY_TOO_LARGE, ENCODING_CORRUPT, ENCODING_UNKNOWN } from "./body.ts";
export { MIN_SECRET_LENGTH } from "./bottle_secrets.ts";
export { ARCHIVE_UNREADABLE } from "./text_scan.ts";
export { SECRET_RULE_IDS } from "./rules/mod.ts";
export type {
  BodyScan,
  BottleSecret,
  DlpAction,
  DlpConfig,
  DlpEngine,
  DlpFinding,
  DlpHeader,
  DlpWhere,
} from "./types.ts";
