import { jsonEqual } from "../lib/json.ts";
import type { JsonObject } from "../lib/json.ts";
import type { DiffResult } from "./provider.ts";

/**
 * The default diff: compares top-level input keys; a change to any key in `replaceKeys`
 * (or any change at all when the provider cannot update in place) forces replacement.
 */
export function diffInputs(
  desired: JsonObject,
  recorded: JsonObject,
  replaceKeys: readonly string[],
  canUpdate: boolean,
): DiffResult {
  const keys = [...new Set([...Object.keys(desired), ...Object.keys(recorded)])].sort();
  const changed = keys.filter((key) => !jsonEqual(desired[key], recorded[key]));
  const forcesReplacement = canUpdate
    ? changed.filter((key) => replaceKeys.includes(key))
    : [...changed];
  const action = changed.length === 0
    ? "noop"
    : forcesReplacement.length > 0
    ? "replace"
    : "update";
  return { action, changed, forcesReplacement };
}
