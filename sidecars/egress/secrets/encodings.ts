/**
 * The forms a secret (or placeholder) takes on the wire: raw, base64 and base64url (whole,
 * and the part that stays the same wherever it sits in a longer base64 text), and
 * percent-encoded. Pure.
 */

import { Buffer } from "node:buffer";
import { base64Core, latin1Bytes } from "../../../lib/bytes.ts";
import type { Needle } from "./needles.ts";

/** Base64 cores shorter than this are too likely to occur by chance in other data. */
const MIN_CORE = 12;

interface Form {
  name: string;
  bytes: (text: string) => string;
}

const FORMS: Form[] = [
  { name: "raw", bytes: (t) => t },
  { name: "base64", bytes: (t) => Buffer.from(t, "latin1").toString("base64") },
  { name: "base64url", bytes: (t) => Buffer.from(t, "latin1").toString("base64url") },
  ...([0, 1, 2] as const).flatMap((offset) =>
    (["base64", "base64url"] as const).map((alphabet) => ({
      name: `${alphabet}@${offset}`,
      bytes: (t: string): string => base64Core(t, offset, alphabet),
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
      bytes: latin1Bytes(encoded),
      replacement: latin1Bytes(form.bytes(replacement)),
      label,
    });
  }
  return needles;
}
