/** Building blocks for generated secret samples: random parts, encodings, contexts. */
import { Buffer } from "node:buffer";
import { base62, crc32 } from "../checksum.ts";
import { ALNUM, DIGITS, HEX, type Rng } from "./random.ts";

export interface Sample {
  /** The text to scan: the secret with whatever context its rule needs. */
  text: string;
  /** The secret value; findings must never contain it. */
  secret: string;
}

export type Generator = (r: Rng) => Sample | string;

export const BASE64 = ALNUM + "+/";

/** `n` digits, not starting with 0. */
export function digits(r: Rng, n: number): string {
  return r.pick([..."123456789"]) + r.chars(DIGITS, n - 1);
}

/** Random characters with at least one upper, lower and digit. */
export function mixed(r: Rng, alphabet: string, n: number): string {
  for (;;) {
    const s = r.chars(alphabet, n);
    if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s)) return s;
  }
}

/** Random hex with both letters and digits. */
export function mixedHex(r: Rng, n: number): string {
  for (;;) {
    const s = r.chars(HEX, n);
    if (/[a-f]/.test(s) && /[0-9]/.test(s)) return s;
  }
}

export function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

export function b64url(text: string): string {
  return Buffer.from(text, "latin1").toString("base64url");
}

export function b64text(text: string): string {
  return Buffer.from(text, "latin1").toString("base64");
}

/** GitHub-style: prefix + 30 random base62 + base62 CRC-32 of those 30. */
export function checksummed(r: Rng, prefix: string): string {
  const body = r.chars(ALNUM, 30);
  return prefix + body + base62(crc32(body), 6);
}

export function pem(r: Rng, label: string, armor = ""): string {
  const lines = Array.from({ length: 4 }, () => b64(r.bytes(48)));
  return `-----BEGIN ${label}-----\n${armor}${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** `KEY=value`, the value maybe quoted. */
export function context(key: string, value: string, quote = ""): Sample {
  return { text: `${key}=${quote}${value}${quote}`, secret: value };
}

export function uuid(r: Rng): string {
  const h = r.chars(HEX, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
