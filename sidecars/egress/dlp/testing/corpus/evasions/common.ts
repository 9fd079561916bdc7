/** What the evasion families share: the token formats they wrap, and request builders. */
import { SECRET_RULE_IDS } from "../../../rules/mod.ts";
import { ALNUM, type Rng } from "../../random.ts";
import { sample, SAMPLES } from "../../samples.ts";
import type { CorpusCase, WireRequest } from "../wire.ts";
import { utf8Bytes } from "../../../../../../lib/bytes.ts";

export interface EvasionContext {
  /** A bottle secret (the operator's real value some route injects), opaque. */
  bottleSecret: string;
  /** The placeholder the agent holds, per credentialed route host (benign.ts). */
  placeholders: Record<string, string>;
}

/** Adds one evasion case. */
export type AddEvasion = (
  family: string,
  name: string,
  requests: WireRequest[],
  secrets: string[],
  extra?: Partial<CorpusCase>,
) => void;

/** Formats the encoding families wrap, each a bare token (its text is the secret). */
export const TOKEN_FORMATS = [
  "anthropic-api-key",
  "github-pat",
  "aws-access-key-id",
  "openai-api-key",
  "slack-bot-token",
  "stripe-secret-key",
  "gitlab-pat",
  "npm-access-token",
];

export interface Secret {
  rule: string;
  text: string;
  secret: string;
}

export function available(rule: string): boolean {
  return SECRET_RULE_IDS.includes(rule) && typeof SAMPLES[rule] === "function";
}

/** `count` samples of the token formats present today, round robin. */
export function tokens(r: Rng, count: number, offset = 0): Secret[] {
  const rules = TOKEN_FORMATS.filter(available);
  const out: Secret[] = [];
  for (let i = 0; i < count && rules.length > 0; i++) {
    const rule = rules[(i + offset) % rules.length];
    out.push({ rule, ...sample(rule, r) });
  }
  return out;
}

export const UA: [string, string] = ["User-Agent", "python-requests/2.32.3"];

export function post(
  path: string,
  type: string,
  body: Uint8Array | string,
  extra: [string, string][] = [],
): WireRequest {
  return {
    method: "POST",
    path,
    headers: [UA, ["Content-Type", type], ...extra],
    body: typeof body === "string" ? utf8Bytes(body) : body,
  };
}

export function get(path: string, extra: [string, string][] = []): WireRequest {
  return { method: "GET", path, headers: [UA, ["Accept", "*/*"], ...extra] };
}

/**
 * A small log with `text` in prose (no key name: only the format's own rule can tell it is a
 * secret), `lead` bytes of padding in (its offset moves with it).
 */
export function document(text: string, lead: number): string {
  const header = "# build log, scripts/setup.sh".padEnd(30 + lead, "#");
  return `${header}\nstep 3/7: fetched 12 packages\nrotated ${text} at 12:04\nstep 4/7: done\n`;
}

/** The secret in prose, or (`assigned`) in a `.env` line a key-name rule also knows. */
export function mention(text: string, assigned: boolean): string {
  return assigned ? `APP_ENV=production\nAPI_TOKEN=${text}\n` : `rotated ${text} at 12:04\n`;
}

/** The document with `text` at a byte offset ≡ `alignment` (mod 3). */
export function withAlignment(text: string, alignment: number): string {
  const doc = document(text, 0);
  const at = utf8Bytes(doc.slice(0, doc.indexOf(text))).length;
  return document(text, (alignment - (at % 3) + 3) % 3);
}

export function strongPassword(r: Rng): string {
  const weak =
    /test|secret|token|passw|example|sample|dummy|fake|mock|null|0123|1234|2345|3456|4567|5678|6789|abcd|bcde|cdef|qwer|asdf|(.)\1{2}/i;
  for (let i = 0; i < 1000; i++) {
    const p = r.chars(ALNUM + "-_.~!*", 14 + r.int(10));
    if (/[A-Z]/.test(p) && /[a-z]/.test(p) && /[0-9]/.test(p) && !weak.test(p)) return p;
  }
  throw new Error("no password drawn");
}

export function split(text: string): [string, string] {
  const at = Math.floor(text.length / 2);
  return [text.slice(0, at), text.slice(at)];
}
