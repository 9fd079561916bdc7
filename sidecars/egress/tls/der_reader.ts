/**
 * A minimal DER reader: enough to walk a certificate's TLVs and read the few values the
 * leaf minter needs from the CA (names as raw bytes, times, OIDs, octet strings). Strict
 * about lengths (definite, in bounds) so a malformed certificate fails here, loudly.
 */

import { TAG } from "./der.ts";

export interface Tlv {
  /** The identifier octet (class, constructed bit, tag number). */
  tag: number;
  /** The whole encoding: identifier, length and content. */
  der: Uint8Array;
  content: Uint8Array;
}

export class DerError extends Error {
  override name = "DerError";
}

/** The TLV starting at `offset` of `bytes`. */
export function readTlv(bytes: Uint8Array, offset = 0): Tlv {
  if (offset >= bytes.length) throw new DerError(`no TLV at offset ${offset}`);
  const tag = bytes[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError(`high tag numbers are not supported`);
  let at = offset + 1;
  if (at >= bytes.length) throw new DerError("truncated length");
  const first = bytes[at++];
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0) throw new DerError("indefinite length is not DER");
    if (count > 4) throw new DerError(`length of ${count} octets is too long`);
    if (at + count > bytes.length) throw new DerError("truncated length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[at++];
    if (length < 0x80) throw new DerError("long-form length for a short value is not DER");
  }
  const end = at + length;
  if (end > bytes.length) throw new DerError(`TLV at ${offset} runs past the end of its parent`);
  return { tag, der: bytes.subarray(offset, end), content: bytes.subarray(at, end) };
}

/** Reads `bytes` as exactly one TLV (nothing may follow). */
export function readOnly(bytes: Uint8Array): Tlv {
  const tlv = readTlv(bytes);
  if (tlv.der.length !== bytes.length) throw new DerError("trailing bytes after the value");
  return tlv;
}

/** The TLVs inside a constructed value, in order. */
export function children(parent: Tlv): Tlv[] {
  if ((parent.tag & 0x20) === 0) throw new DerError(`tag ${hex(parent.tag)} is not constructed`);
  const out: Tlv[] = [];
  for (let at = 0; at < parent.content.length;) {
    const child = readTlv(parent.content, at);
    out.push(child);
    at += child.der.length;
  }
  return out;
}

export function expectTag(tlv: Tlv, tag: number, what: string): Tlv {
  if (tlv.tag !== tag) throw new DerError(`${what}: expected tag ${hex(tag)}, got ${hex(tlv.tag)}`);
  return tlv;
}

/** Dotted text of an OBJECT IDENTIFIER. */
export function readOid(tlv: Tlv): string {
  expectTag(tlv, TAG.OID, "OID");
  const arcs: number[] = [];
  let value = 0;
  for (const [i, octet] of tlv.content.entries()) {
    value = value * 128 + (octet & 0x7f);
    if (!Number.isSafeInteger(value)) throw new DerError("OID arc too large");
    if (octet & 0x80) {
      if (i === tlv.content.length - 1) throw new DerError("truncated OID");
      continue;
    }
    if (arcs.length === 0) {
      arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
    } else arcs.push(value);
    value = 0;
  }
  if (arcs.length === 0) throw new DerError("empty OID");
  return arcs.join(".");
}

/** UTCTime (`YYMMDDHHMMSSZ`, 50–99 meaning 19xx) or GeneralizedTime (`YYYYMMDDHHMMSSZ`). */
export function readTime(tlv: Tlv): Date {
  const text = new TextDecoder().decode(tlv.content);
  const utc = tlv.tag === TAG.UTC_TIME;
  if (!utc && tlv.tag !== TAG.GENERALIZED_TIME) {
    throw new DerError(`expected a time, got tag ${hex(tlv.tag)}`);
  }
  const match =
    (utc
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/)
      .exec(text);
  if (match === null) throw new DerError(`bad ${utc ? "UTCTime" : "GeneralizedTime"} "${text}"`);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const fullYear = utc ? (year < 50 ? 2000 + year : 1900 + year) : year;
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(fullYear);
  if (
    date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute || date.getUTCSeconds() !== second
  ) {
    throw new DerError(`time "${text}" is out of range`);
  }
  return date;
}

function hex(tag: number): string {
  return `0x${tag.toString(16).padStart(2, "0")}`;
}
