/**
 * The bottle's own secrets, as literal needles in every encoding they may leave in: raw
 * UTF-8 (and latin1, JSON-escaped, `+` for spaces, where those differ), backwards, hex (both cases),
 * and the alignment-stable cores of base64 / base64url at the three byte offsets a secret
 * can start at inside a longer encoded string. Percent-encoding and `\u` escapes are
 * decoded by the scanner's views, so they need no needles.
 */
import type { BottleSecret } from "./types.ts";
import type { MatchTarget, NeedleSpec } from "./matcher.ts";
import { base64Core, hex, latin1, latin1Bytes, utf8Bytes } from "../../../lib/bytes.ts";

/** Shorter secrets are not scanned: their encodings would match benign data. */
export const MIN_SECRET_LENGTH = 8;
/** Needles are cut to this length; a long secret is found by its prefix. */
const MAX_NEEDLE = 512;
const MIN_BASE64_CORE = 10;
/** `indexOf` looks for (part of) the needle's start, long enough for a fast skip search. */
const SEARCH_LENGTH = 64;
const MIN_SEARCH = 16;

/** One form of a bottle secret to search for (raw, or an encoding of it) and its name. */
export interface EncodedSecret {
  text: string;
  encoding: string;
}

export function secretNeedles(value: string): EncodedSecret[] {
  const raw = latin1(utf8Bytes(value));
  if (raw.length < MIN_SECRET_LENGTH) return [];
  const needles: EncodedSecret[] = [{ text: raw, encoding: "raw" }];
  // deno-lint-ignore no-control-regex
  if (raw !== value && !/[^\x00-\xff]/.test(value)) {
    needles.push({ text: value, encoding: "latin1" });
  }
  if (raw.includes(" ")) needles.push({ text: raw.replaceAll(" ", "+"), encoding: "form-encoded" });
  needles.push({ text: raw.split("").reverse().join(""), encoding: "written backwards" });
  const jsonString = JSON.stringify(raw).slice(1, -1);
  if (jsonString !== raw) needles.push({ text: jsonString, encoding: "JSON-escaped" });
  const head = hex(latin1Bytes(raw.slice(0, MAX_NEEDLE / 2)));
  needles.push({ text: head, encoding: "hex" });
  needles.push({ text: head.toUpperCase(), encoding: "hex" });
  for (const offset of [0, 1, 2]) {
    const core = base64Core(raw.slice(0, (MAX_NEEDLE * 3) / 4 + 3), offset);
    if (core.length < MIN_BASE64_CORE) continue;
    needles.push({ text: core, encoding: "base64" });
    needles.push({ text: core.replaceAll("+", "-").replaceAll("/", "_"), encoding: "base64url" });
  }
  const seen = new Set<string>();
  return needles
    .map((n) => ({ ...n, text: n.text.slice(0, MAX_NEEDLE) }))
    .filter((n) => !seen.has(n.text) && seen.add(n.text));
}

function needleTarget(secret: BottleSecret, needle: EncodedSecret): MatchTarget {
  return {
    id: `bottle-secret:${secret.id}`,
    title: `the bottle's secret for ${secret.id}` +
      (needle.encoding === "raw" ? "" : `, ${needle.encoding}`),
    ahead: needle.text.length,
    behind: 0,
    test: (text: string, start: number): boolean => text.startsWith(needle.text, start),
  };
}

/**
 * What to search for: the longest stretch of the needle (within its first SEARCH_LENGTH
 * characters) free of the characters its variants differ in — `+/-_` between base64 and
 * base64url, letters between lower- and upper-case hex — so variants share one search.
 */
function searchKey(text: string): { needle: string; offset: number } {
  const head = text.slice(0, SEARCH_LENGTH);
  const variable = /^[0-9A-Fa-f]+$/.test(head) ? /[A-Fa-f]/g : /[+/_-]/g;
  let best = { needle: "", offset: 0 };
  let runStart = 0;
  for (const end of [...[...head.matchAll(variable)].map((m) => m.index), head.length]) {
    if (end - runStart > best.needle.length) {
      best = { needle: head.slice(runStart, end), offset: runStart };
    }
    runStart = end + 1;
  }
  return best.needle.length >= MIN_SEARCH ? best : { needle: head, offset: 0 };
}

export function bottleSecretNeedles(secrets: readonly BottleSecret[]): NeedleSpec[] {
  return secrets.flatMap((secret) =>
    secretNeedles(secret.value).map((needle) => ({
      ...searchKey(needle.text),
      target: needleTarget(secret, needle),
    }))
  );
}
