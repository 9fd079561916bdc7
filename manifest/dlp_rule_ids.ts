/**
 * The DLP rule ids a manifest may configure in `egress.dlp.rules`: every built-in format and
 * the fail-closed findings. The list lives with the egress sidecar (the code that reports the
 * rules); manifest/ reads it from the DLP module's public entry (its mod.ts). The bottle's
 * own secrets (`bottle-secret:…`) always block and are not configurable.
 */
import {
  ARCHIVE_UNREADABLE,
  BODY_TOO_LARGE,
  ENCODING_CORRUPT,
  ENCODING_UNKNOWN,
  SECRET_RULE_IDS,
} from "../sidecars/egress/dlp/mod.ts";

export const DLP_RULE_IDS: ReadonlySet<string> = new Set([
  ...SECRET_RULE_IDS,
  BODY_TOO_LARGE,
  ENCODING_UNKNOWN,
  ENCODING_CORRUPT,
  ARCHIVE_UNREADABLE,
]);
