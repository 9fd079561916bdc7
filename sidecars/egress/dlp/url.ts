/**
 * URL scanning: the host's labels, the path and query as sent, percent-decoded (repeatedly,
 * for double encoding) and form-decoded, and secrets split across path segments, across
 * adjacent query values, across the values of a repeated parameter, and across names and
 * values.
 */
import { percentDecode } from "./decoders.ts";
import type { FindingSink, Matcher } from "./matcher.ts";
import { scanSplit } from "./parts.ts";
import { scanText } from "./text_scan.ts";

const ESCAPED = /%(?:[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4})/;

/** Percent-decodes while escapes remain (double encoding), at most four rounds. */
export function percentDecodeDeep(text: string, plusIsSpace = false): string {
  let current = percentDecode(text, plusIsSpace);
  for (let round = 0; round < 3 && ESCAPED.test(current); round++) {
    current = percentDecode(current);
  }
  return current;
}

/** `a=1&b=2` as decoded [name, value] pairs (`+` is a space). */
export function parseQuery(query: string): [string, string][] {
  if (query === "") return [];
  return query.split(/[&;]/).filter((p) => p !== "").map((pair) => {
    const eq = pair.indexOf("=");
    const name = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? "" : pair.slice(eq + 1);
    return [percentDecodeDeep(name, true), percentDecodeDeep(value, true)];
  });
}

/**
 * Split-across-parts checks for decoded pairs (query or form fields): adjacent values
 * (after any `leading` parts), the values of each repeated name, and — when `withNames` —
 * names and values in order.
 */
export function scanPairs(
  matcher: Matcher,
  pairs: [string, string][],
  sink: FindingSink,
  what: string,
  options: { leading?: readonly string[]; withNames?: boolean } = {},
): void {
  const values = pairs.map(([, v]) => v);
  scanSplit(matcher, [...(options.leading ?? []), ...values], sink, `split across ${what}`);
  if (options.withNames) {
    scanSplit(matcher, pairs.flat(), sink, `split across ${what} names and values`);
  }
  const byName = new Map<string, string[]>();
  for (const [name, value] of pairs) byName.set(name, [...(byName.get(name) ?? []), value]);
  for (const repeated of byName.values()) {
    if (repeated.length > 1) scanSplit(matcher, repeated, sink, `split across repeated ${what}`);
  }
}

export function scanUrlText(
  matcher: Matcher,
  host: string,
  pathAndQuery: string,
  sink: FindingSink,
): void {
  scanText(matcher, host, sink, []);
  scanSplit(matcher, host.split("."), sink, "split across host labels");
  const q = pathAndQuery.indexOf("?");
  const path = q === -1 ? pathAndQuery : pathAndQuery.slice(0, q);
  const query = q === -1 ? "" : pathAndQuery.slice(q + 1);
  scanText(matcher, pathAndQuery, sink, ["json"]);
  const decoded = percentDecodeDeep(path) + (q === -1 ? "" : "?" + percentDecodeDeep(query));
  if (decoded !== pathAndQuery) scanText(matcher, decoded, sink, ["json"], "percent-decoded");
  const formDecoded = percentDecodeDeep(query, true);
  if (formDecoded !== percentDecodeDeep(query)) {
    scanText(matcher, formDecoded, sink, [], "form-decoded");
  }
  const segments = path.split("/").map((s) => percentDecodeDeep(s));
  scanSplit(matcher, segments, sink, "split across path segments");
  scanPairs(matcher, parseQuery(query), sink, "query parameters", {
    leading: segments,
    withNames: true,
  });
}
