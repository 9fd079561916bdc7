/** The benchmark's results model and its two renderings: a text table and JSON. */
import { formatMs, formatRatio, summarize, type Summary } from "./stats.ts";

export interface Measurement {
  key: string;
  label: string;
  /** The command line measured (for the report). */
  command?: string;
  samples: number[];
  /** Reasons of measured runs that failed (their time is not a sample). */
  failures: string[];
  /** Set when nothing could be measured: why. */
  unavailable?: string;
  notes: string[];
  /** A heading printed above this row. */
  section?: string;
  /** For derived rows: a fixed value instead of samples. */
  derived?: { median: number; p90?: number; note: string };
}

export function newMeasurement(key: string, label: string, command?: string): Measurement {
  return { key, label, command, samples: [], failures: [], notes: [] };
}

export interface Ratio {
  name: string;
  value: number | null;
  /** Why the ratio could not be formed. */
  missing?: string;
}

export interface Target {
  name: string;
  /** The printed line, e.g. `bottle exec / (bwrap + deno) = 1.40x (target ≤ 2x: PASS)`. */
  line: string;
  pass: boolean;
  value: number | null;
  limit: number;
  unit: "ratio" | "ms";
}

export function medianOf(m: Measurement): number | null {
  if (m.derived) return m.derived.median;
  if (m.unavailable) return null;
  return summarize(m.samples)?.median ?? null;
}

function summaryOf(m: Measurement): Summary | null {
  return m.unavailable || m.derived ? null : summarize(m.samples);
}

/** Builds a ratio a/b, or records which side is missing. */
export function ratio(name: string, a: Measurement, b: Measurement): Ratio {
  const x = medianOf(a);
  const y = medianOf(b);
  if (x === null || y === null || y === 0) {
    const missing = [a, b].filter((m) => medianOf(m) === null).map((m) =>
      `${m.label} not measured`
    );
    return { name, value: null, missing: missing.join(", ") || "division by zero" };
  }
  return { name, value: x / y };
}

export function ratioTarget(name: string, a: Measurement, b: Measurement, limit: number): Target {
  const r = ratio(name, a, b);
  if (r.value === null) {
    return {
      name,
      line: `${name} = n/a (target ≤ ${limit}x: MISS — ${r.missing})`,
      pass: false,
      value: null,
      limit,
      unit: "ratio",
    };
  }
  const pass = r.value <= limit;
  return {
    name,
    line: `${name} = ${formatRatio(r.value)} (target ≤ ${limit}x: ${pass ? "PASS" : "MISS"})`,
    pass,
    value: r.value,
    limit,
    unit: "ratio",
  };
}

/** A target that `a` is at least `limit` times `b` (e.g. a peer N times slower than us). */
export function ratioAtLeastTarget(
  name: string,
  a: Measurement,
  b: Measurement,
  limit: number,
): Target {
  const r = ratio(name, a, b);
  if (r.value === null) {
    return {
      name,
      line: `${name} = n/a (target ≥ ${limit}x: MISS — ${r.missing})`,
      pass: false,
      value: null,
      limit,
      unit: "ratio",
    };
  }
  const pass = r.value >= limit;
  return {
    name,
    line: `${name} = ${formatRatio(r.value)} (target ≥ ${limit}x: ${pass ? "PASS" : "MISS"})`,
    pass,
    value: r.value,
    limit,
    unit: "ratio",
  };
}

export function msTarget(name: string, m: Measurement, limitMs: number): Target {
  const value = medianOf(m);
  if (value === null) {
    return {
      name,
      line: `${name} = n/a (target ≤ ${limitMs} ms: MISS — ${m.label} not measured)`,
      pass: false,
      value: null,
      limit: limitMs,
      unit: "ms",
    };
  }
  const pass = value <= limitMs;
  return {
    name,
    line: `${name} = ${value.toFixed(0)} ms (target ≤ ${limitMs} ms: ${pass ? "PASS" : "MISS"})`,
    pass,
    value,
    limit: limitMs,
    unit: "ms",
  };
}

export interface Report {
  meta: Record<string, string | number>;
  measurements: Measurement[];
  ratios: Ratio[];
  targets: Target[];
  invocations: Record<string, string>;
}

const NOTE_WIDTH = 72;

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

export function renderText(report: Report): string {
  const out: string[] = [];
  out.push("bot-bottle benchmark");
  for (const [key, value] of Object.entries(report.meta)) out.push(`  ${key}: ${value}`);
  out.push("");

  const footnotes: string[] = [];
  const noteCell = (notes: string[]): string => {
    const text = notes.join("; ");
    if (text.length <= NOTE_WIDTH) return text;
    footnotes.push(text);
    return `${text.slice(0, NOTE_WIDTH - 8).trimEnd()}… [${footnotes.length}]`;
  };
  const rows: string[][] = [["measurement", "n", "median", "p90", "min", "max", "notes"]];
  for (const m of report.measurements) {
    if (m.section) rows.push([m.section, "", "", "", "", "", ""]);
    const s = summaryOf(m);
    const notes = [...new Set(m.notes)];
    if (m.failures.length > 0) {
      notes.push(`${m.failures.length} failed run(s): ${[...new Set(m.failures)].join("; ")}`);
    }
    if (m.derived) {
      rows.push([
        m.label,
        "-",
        formatMs(m.derived.median),
        m.derived.p90 === undefined ? "-" : formatMs(m.derived.p90),
        "-",
        "-",
        noteCell([m.derived.note, ...notes]),
      ]);
    } else if (m.unavailable || !s) {
      rows.push([
        m.label,
        "0",
        "n/a",
        "n/a",
        "n/a",
        "n/a",
        noteCell([`NOT MEASURED: ${m.unavailable ?? "every run failed"}`, ...notes]),
      ]);
    } else {
      rows.push([
        m.label,
        String(s.n),
        formatMs(s.median),
        formatMs(s.p90),
        formatMs(s.min),
        formatMs(s.max),
        noteCell(notes),
      ]);
    }
  }
  // A section heading stands alone on its line: it does not widen the first column.
  const isHeading = (row: string[]): boolean => row.slice(1).every((cell) => cell === "");
  const widths = rows[0].map((_, i) =>
    Math.max(...rows.filter((r) => !isHeading(r)).map((r) => r[i].length))
  );
  rows.forEach((row, index) => {
    if (index > 0 && isHeading(row)) {
      out.push(row[0]);
      return;
    }
    const line = row.map((cell, i) =>
      i === row.length - 1 ? cell : pad(cell, widths[i], i >= 1 && i <= 5)
    ).join("  ");
    out.push(line.trimEnd());
    if (index === 0) out.push(widths.map((w) => "-".repeat(w)).join("  "));
  });
  if (footnotes.length > 0) {
    out.push("");
    footnotes.forEach((text, i) => out.push(`  [${i + 1}] ${text}`));
  }

  out.push("");
  out.push("ratios (of medians)");
  const nameWidth = Math.max(...report.ratios.map((r) => r.name.length));
  for (const r of report.ratios) {
    out.push(
      `  ${pad(r.name, nameWidth)} = ${
        r.value === null ? `n/a (${r.missing})` : formatRatio(r.value)
      }`,
    );
  }

  out.push("");
  out.push("invocations");
  for (const [key, value] of Object.entries(report.invocations)) out.push(`  ${key}: ${value}`);

  out.push("");
  out.push("targets");
  for (const t of report.targets) out.push(`  ${t.pass ? "PASS" : "MISS"}  ${t.line}`);
  return out.join("\n");
}

export function renderJson(report: Report): string {
  return JSON.stringify(
    {
      meta: report.meta,
      measurements: report.measurements.map((m) => ({
        key: m.key,
        label: m.label,
        command: m.command ?? null,
        ...(m.derived
          ? { derived: m.derived }
          : { summary: summaryOf(m), samples: m.samples.map((x) => Number(x.toFixed(3))) }),
        failures: m.failures,
        unavailable: m.unavailable ?? null,
        notes: m.notes,
      })),
      ratios: report.ratios,
      targets: report.targets,
      invocations: report.invocations,
    },
    null,
    2,
  );
}
