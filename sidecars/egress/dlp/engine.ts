/** The DLP engine: built-in secret formats plus the bottle's own secrets, pure (no I/O). */
import { BodyScanner } from "./body.ts";
import { bottleSecretNeedles } from "./bottle_secrets.ts";
import { scanHeaderList } from "./headers.ts";
import { Matcher } from "./matcher.ts";
import { FindingCollector, RulePolicy } from "./policy.ts";
import { SECRET_RULES } from "./rules/mod.ts";
import { reversedAnchors } from "./reversed.ts";
import { ruleAnchors } from "./targets.ts";
import type { BodyScan, DlpConfig, DlpEngine, DlpFinding, DlpHeader } from "./types.ts";
import { scanUrlText } from "./url.ts";
import { toBinary } from "./binary.ts";

/** Throws HostRuleError when an `exemptHosts` entry is not a valid host rule. */
export function createDlpEngine(config: DlpConfig): DlpEngine {
  const policy = new RulePolicy(config.rules);
  const anchors = ruleAnchors(SECRET_RULES);
  const matcher = new Matcher(
    [...anchors, ...reversedAnchors(anchors)],
    bottleSecretNeedles(config.bottleSecrets),
  );
  const context = { matcher, policy, maxBodyBytes: config.maxBodyBytes };
  return {
    scanUrl(host: string, pathAndQuery: string): DlpFinding[] {
      const collector = new FindingCollector(policy, host, "url");
      scanUrlText(matcher, toBinary(host), toBinary(pathAndQuery), collector);
      return collector.take();
    },
    scanHeaders(host: string, headers: DlpHeader[]): DlpFinding[] {
      const collector = new FindingCollector(policy, host, "header");
      scanHeaderList(matcher, headers, collector);
      return collector.take();
    },
    scanBody(host: string, contentType: string | null, contentEncoding: string | null): BodyScan {
      return new BodyScanner(context, host, contentType, contentEncoding);
    },
  };
}
