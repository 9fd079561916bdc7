/**
 * The corpus's figures from its outcomes: base recall over formats × carriers, catch rate per
 * evasion family, benign false positives, leaks and the leak detector's own check, and the
 * text `deno task bench` prints. Measures and prints; asserts nothing.
 */
import type { CorpusCase, Transport } from "../../dlp/testing/corpus/wire.ts";

export interface CaseOutcome {
  case: CorpusCase;
  transport: Transport;
  tag: number;
  /** Status of the last response read (null: none came). */
  status: number | null;
  /** Refused by the proxy for its content: a DLP rule or a placeholder out of place. */
  blocked: boolean;
  /** `dlp:<rule>` or `placeholder-leak` when blocked. */
  rule: string | null;
  reason: string;
  error: string | null;
  /** Forms of a blocked secret the origin received. */
  leaks: string[];
  /** Forms of a blocked secret in the 403 the agent got. */
  reasonLeaks: string[];
  /** Forms of a blocked secret in the audit log. */
  auditLeaks: string[];
  /** Requests of this case the origin saw (a blocked one: cut off at the block). */
  originRequests: number;
  /** Body bytes of this case the origin received (a blocked one: before the block). */
  originBytes: number;
  /** A positive that got through: the forms the leak detector saw at the origin. */
  seen: string[];
}

export interface Rate {
  caught: number;
  total: number;
}

export interface CorpusReport {
  outcomes: CaseOutcome[];
  base: Rate & {
    exact: number;
    byCarrier: Record<string, Rate>;
    byTransport: Record<string, Rate>;
  };
  evasions: Rate & { byFamily: Record<string, Rate> };
  benign: { total: number; falsePositives: number; errors: number; byFamily: Record<string, Rate> };
  /** Blocked cases where some form of the secret got out (origin, 403 or audit). */
  leaked: number;
  /**
   * Blocked cases part of which reached the origin before the block: the request head, and
   * body bytes the proxy had cleared (the leak check looks at them).
   */
  cutOff: { heads: number; cases: number; bodyBytes: number };
  /**
   * The detector's own check: positives that got through (the origin answered), and how
   * many of them it saw there. Every one must be seen, or the detector has a blind spot.
   */
  detector: { missed: number; seen: number; blind: string[] };
  unsampled: string[];
  notApplicable: string[];
  notRun: number;
  requests: number;
  ms: number;
}

const percent = (
  r: Rate,
): string => (r.total === 0 ? "n/a" : `${((100 * r.caught) / r.total).toFixed(1)}%`);

function rate(outcomes: CaseOutcome[], caught: (o: CaseOutcome) => boolean): Rate {
  return { caught: outcomes.filter(caught).length, total: outcomes.length };
}

function groupBy(
  outcomes: CaseOutcome[],
  key: (o: CaseOutcome) => string,
  caught: (o: CaseOutcome) => boolean,
): Record<string, Rate> {
  const groups = new Map<string, CaseOutcome[]>();
  for (const o of outcomes) {
    if (!groups.has(key(o))) groups.set(key(o), []);
    groups.get(key(o))!.push(o);
  }
  return Object.fromEntries([...groups].map(([k, list]) => [k, rate(list, caught)]));
}

export function summarize(
  outcomes: CaseOutcome[],
  unsampled: string[],
  notApplicable: string[],
  notRun: number,
  requests: number,
  started: number,
): CorpusReport {
  const of = (group: string): CaseOutcome[] => outcomes.filter((o) => o.case.group === group);
  const caught = (o: CaseOutcome): boolean => o.blocked;
  const base = of("format");
  const evasions = of("evasion");
  const benign = of("benign");
  return {
    outcomes,
    base: {
      ...rate(base, caught),
      exact: base.filter((o) => o.rule === `dlp:${o.case.rule}`).length,
      byCarrier: groupBy(base, (o) => o.case.family, caught),
      byTransport: groupBy(base, (o) => o.transport, caught),
    },
    evasions: {
      ...rate(evasions, caught),
      byFamily: groupBy(evasions, (o) => o.case.family, caught),
    },
    benign: {
      total: benign.length,
      falsePositives: benign.filter(caught).length,
      errors: benign.filter((o) => !o.blocked && o.error !== null).length,
      byFamily: groupBy(benign, (o) => o.case.family, (o) => o.blocked),
    },
    leaked: outcomes.filter((o) => o.leaks.length + o.reasonLeaks.length + o.auditLeaks.length > 0)
      .length,
    cutOff: {
      heads: outcomes.filter((o) => o.blocked && o.originRequests > 0).length,
      cases: outcomes.filter((o) => o.blocked && o.originBytes > 0).length,
      bodyBytes: outcomes.filter((o) => o.blocked).reduce((n, o) => n + o.originBytes, 0),
    },
    detector: (() => {
      const through = outcomes.filter((o) =>
        o.case.group !== "benign" && !o.blocked && o.status === 200
      );
      const blind = through.filter((o) => o.seen.length === 0).map((o) =>
        `${o.case.name} [${o.transport}]`
      );
      return { missed: through.length, seen: through.length - blind.length, blind };
    })(),
    unsampled,
    notApplicable,
    notRun,
    requests,
    ms: performance.now() - started,
  };
}

function describe(o: CaseOutcome): string {
  const what = o.blocked ? `blocked by ${o.rule}` : o.error ?? `answered ${o.status}`;
  return `${o.case.name} [${o.transport}]: ${what}`;
}

/** The one-line summary the issue asks for. */
export function corpusSummary(report: CorpusReport): string {
  const families = Object.entries(report.evasions.byFamily)
    .map(([family, r]) => `${family} ${r.caught}/${r.total}`).join(", ");
  return `corpus: base recall ${
    percent(report.base)
  } (${report.base.caught}/${report.base.total}), ` +
    `evasions ${
      percent(report.evasions)
    } (${report.evasions.caught}/${report.evasions.total}) [${families}], ` +
    `benign false positives ${report.benign.falsePositives}/${report.benign.total}, leaked ${report.leaked}`;
}

/** The summary line, then per carrier and per family, and what missed or leaked (bounded). */
export function renderCorpusReport(report: CorpusReport, maxListed = 40): string {
  const lines = [corpusSummary(report)];
  const { base } = report;
  lines.push(
    `  ${report.outcomes.length} cases, ${report.requests} requests at the origin, ` +
      `${(report.ms / 1000).toFixed(1)} s` +
      (report.notRun > 0 ? `, ${report.notRun} NOT RUN (out of time)` : ""),
    `  base: ${base.exact}/${base.total} blocked under the format's own rule; by transport ` +
      Object.entries(base.byTransport).map(([t, r]) => `${t} ${r.caught}/${r.total}`).join(", "),
    `  leak check: ${report.cutOff.heads} blocked cases reached the origin cut off, ` +
      `${report.cutOff.cases} of them with body bytes (${report.cutOff.bodyBytes} in all); the detector saw ${report.detector.seen}/${report.detector.missed} ` +
      "positives that got through at the origin",
    "  base by carrier: " +
      Object.entries(base.byCarrier).map(([c, r]) => `${c} ${r.caught}/${r.total}`).join(", "),
  );
  if (report.unsampled.length > 0) {
    lines.push(`  rules without a sample (untested): ${report.unsampled.join(", ")}`);
  }
  if (report.notApplicable.length > 0) {
    lines.push(
      `  not applicable (the carrier cannot carry the sample): ${report.notApplicable.length}`,
    );
  }
  const list = (title: string, items: string[]): void => {
    if (items.length === 0) return;
    lines.push(`  ${title} (${items.length}):`);
    for (const item of items.slice(0, maxListed)) lines.push(`    ${item}`);
    if (items.length > maxListed) lines.push(`    … ${items.length - maxListed} more`);
  };
  const outcomes = report.outcomes.filter((o) => o !== undefined);
  list(
    "base misses",
    outcomes.filter((o) => o.case.group === "format" && !o.blocked).map(describe),
  );
  list(
    "base blocked under another rule",
    outcomes.filter((o) =>
      o.case.group === "format" && o.blocked && o.rule !== `dlp:${o.case.rule}`
    )
      .map((o) => `${o.case.name} [${o.transport}]: ${o.rule}`),
  );
  list(
    "evasion misses",
    outcomes.filter((o) => o.case.group === "evasion" && !o.blocked).map((o) =>
      `${o.case.family}: ${describe(o)}`
    ),
  );
  list(
    "benign false positives and errors",
    outcomes.filter((o) => o.case.group === "benign" && (o.blocked || o.error !== null))
      .map((o) => `${o.case.family}: ${describe(o)}`),
  );
  list("detector blind spots (a positive got through unseen)", report.detector.blind);
  list(
    "leaks",
    outcomes.filter((o) => o.leaks.length + o.reasonLeaks.length + o.auditLeaks.length > 0).map((
      o,
    ) =>
      `${o.case.name} [${o.transport}]: origin got ${o.leaks.join(", ") || "nothing"}; ` +
      `403 holds ${o.reasonLeaks.join(", ") || "nothing"}; audit holds ${
        o.auditLeaks.join(", ") || "nothing"
      }`
    ),
  );
  return lines.join("\n");
}
