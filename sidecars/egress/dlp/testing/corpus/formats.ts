/**
 * Positives: every built-in format (SECRET_RULE_IDS, so new rules join by themselves) in
 * every wire carrier, a fresh generated sample for each pair. Pure.
 */
import { SECRET_RULE_IDS } from "../../rules/mod.ts";
import type { Rng } from "../random.ts";
import { sample, SAMPLES } from "../samples.ts";
import { WIRE_CARRIERS } from "./carriers.ts";
import { type CorpusCase, EXFIL_HOST } from "./wire.ts";

export interface FormatCorpus {
  cases: CorpusCase[];
  /** Rules without a sample generator yet (they cannot be tested, so they are listed). */
  unsampled: string[];
  /** `rule via carrier` pairs the carrier cannot carry (e.g. a PEM as a header name). */
  notApplicable: string[];
}

export function formatCases(r: Rng): FormatCorpus {
  const cases: CorpusCase[] = [];
  const unsampled: string[] = [];
  const notApplicable: string[] = [];
  for (const rule of SECRET_RULE_IDS) {
    if (typeof SAMPLES[rule] !== "function") {
      unsampled.push(rule);
      continue;
    }
    for (const [carrier, carry] of Object.entries(WIRE_CARRIERS)) {
      const { text, secret } = sample(rule, r);
      const request = carry(text);
      if (request === null) {
        notApplicable.push(`${rule} via ${carrier}`);
        continue;
      }
      cases.push({
        group: "format",
        family: carrier,
        name: `${rule} via ${carrier}`,
        host: EXFIL_HOST,
        requests: [request],
        // A sample whose secret is the whole document (a service-account JSON) says "".
        secrets: [secret === "" ? text : secret],
        rule,
      });
    }
  }
  return { cases, unsampled, notApplicable };
}
