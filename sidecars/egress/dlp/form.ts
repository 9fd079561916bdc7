/** `application/x-www-form-urlencoded` bodies: decoded fields, and secrets split across them. */
import type { FindingSink, Matcher } from "./matcher.ts";
import { scanText } from "./text_scan.ts";
import { parseQuery, scanPairs } from "./url.ts";

export function scanFormText(matcher: Matcher, text: string, sink: FindingSink): void {
  const pairs = parseQuery(text.replace(/^\s+|\s+$/g, ""));
  const decoded = pairs.map(([name, value]) => `${name}=${value}`).join("&");
  scanText(matcher, decoded, sink, ["json"], "form-decoded");
  scanPairs(matcher, pairs, sink, "form fields");
}
