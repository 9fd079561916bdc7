/**
 * The forms a secret (or placeholder) takes on the wire: raw, base64 and base64url (whole,
 * and the part that stays the same wherever it sits in a longer base64 text), and
 * percent-encoded. Pure.
 */

import { Buffer } from "node:buffer";
import type { Needle } from "./needles.ts";

/** Base64 cores shorter than this are too likely to occur by chance in other data. */
const MIN_CORE = 12;

interface Form {
  name: string;
  bytes: (text: string) => string;
}

function base64(text: string, alphabet: "base64" | "base64url", offset: 0 | 1 | 2): string {
  const encoded = Buffer.from("\0".repeat(offset) + text, "latin1").toString(alphabet)
    .replace(/=+$/, "");
  const bytes = offset + text.length;
  // Characters made only of the text's bits (RFC 4648: 6 bits each).
  return encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * bytes) / 6));
}

const FORMS: Form[] = [
  { name: "raw", bytes: (t) => t },
  { name: "base64", bytes: (t) => Buffer.from(t, "latin1").toString("base64") },
  { name: "base64url", bytes: (t) => Buffer.from(t, "latin1").toString("base64url") },
  ...([0, 1, 2] as const).flatMap((offset) =>
    (["base64", "base64url"] as const).map((alphabet) => ({
      name: `${alphabet}@${offset}`,
      bytes: (t: string): string => base64(t, alphabet, offset),
    }))
  ),
  { name: "percent", bytes: (t) => encodeURIComponent(t) },
];

/**
 * Needles for `value` in every form, each replaced by `replacement` in the same form
 * (`label` names the secret). Forms too short to be specific are left out, except raw.
 */
export function encodedNeedles(value: string, replacement: string, label: string): Needle[] {
  const needles: Needle[] = [];
  for (const form of FORMS) {
    const encoded = form.bytes(value);
    if (form.name !== "raw" && (encoded.length < MIN_CORE || encoded === value)) continue;
    needles.push({
      bytes: Buffer.from(encoded, "latin1"),
      replacement: Buffer.from(form.bytes(replacement), "latin1"),
      label,
    });
  }
  return needles;
}
