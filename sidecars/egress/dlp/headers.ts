/**
 * Header scanning: each `name: value` line as sent and through percent / JSON decoding,
 * `Authorization: Basic` (and Proxy-Authorization) credentials base64-decoded, and secrets
 * split across header values.
 */
import { toBinary } from "./binary.ts";
import { decodeBase64 } from "./checksum.ts";
import type { FindingSink, Matcher } from "./matcher.ts";
import { scanSplit } from "./parts.ts";
import { scanText } from "./text_scan.ts";
import { ALL_VIEWS } from "./view.ts";
import type { DlpHeader } from "./types.ts";

const BASIC = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i;

export function scanHeaderList(
  matcher: Matcher,
  headers: readonly DlpHeader[],
  sink: FindingSink,
): void {
  const values: string[] = [];
  for (const header of headers) {
    const name = toBinary(header.name);
    const value = toBinary(header.value);
    values.push(value);
    scanText(matcher, `${name}: ${value}`, sink, ALL_VIEWS);
    const lower = name.toLowerCase();
    if (lower === "authorization" || lower === "proxy-authorization") {
      const basic = BASIC.exec(value);
      const decoded = basic ? decodeBase64(basic[1]) : null;
      if (decoded !== null) scanText(matcher, decoded, sink, ["percent"], "Basic credentials");
    }
  }
  scanSplit(matcher, values, sink, "split across headers");
}
