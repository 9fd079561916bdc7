/**
 * What blocks in the body of a request on a credentialed route (one whose credential the proxy
 * injects, e.g. a model API). That body is the agent's conversation with the party that gets
 * the credential and already sees everything the agent reads: tool output such as `env` quotes
 * tokens of the agent's own tools, and refusing it would stop the agent for good. There, a
 * finding of a built-in secret *format* (an AWS key, a `TOKEN=…` assignment) is only a warning,
 * audited as `rule@body`. Everything else keeps its action: the bottle's own secrets
 * (`bottle-secret:*`, the operator's real credentials of any route, in every encoding the
 * engine decodes) and every fail-closed finding (a body too large, an unknown or corrupt
 * encoding, an unreadable archive, no engine), without which a real secret could pass unseen.
 *
 * The format rules are an allowlist taken from the engine's rule set, loaded on first import
 * (the proxy loads the same module with the engine): a rule it does not list, such as a new
 * fail-closed one, blocks. Until the list is loaded, or if it cannot be, nothing is downgraded.
 */

import type { DlpFinding } from "../dlp/mod.ts";

let formatRules: ReadonlySet<string> | null = null;

const loading: Promise<boolean> = import("../dlp/rules/mod.ts").then(
  (rules) => {
    formatRules = new Set(rules.SECRET_RULE_IDS);
    return true;
  },
  () => false,
);

/** Resolves once the format rules are known (false: they could not be loaded). */
export function formatRulesLoaded(): Promise<boolean> {
  return loading;
}

/** The finding is of a built-in secret format (not a bottle secret, not fail-closed). */
export function isFormatFinding(finding: DlpFinding): boolean {
  return formatRules?.has(finding.rule) ?? false;
}

/** `findings` as they apply to a conversation body: format findings only warn. */
export function inConversation(findings: readonly DlpFinding[]): DlpFinding[] {
  return findings.map((finding) =>
    finding.action === "block" && isFormatFinding(finding)
      ? { ...finding, action: "warn" }
      : finding
  );
}
