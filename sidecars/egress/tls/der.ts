/**
 * A DER encoder (X.690) for the few ASN.1 types an X.509 certificate is made of. Each
 * function returns one complete TLV; constructed values take their children already
 * encoded. Only low tag numbers (< 31) are supported, which is all X.509 needs.
 */

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** An encoding, on its own ArrayBuffer (so WebCrypto takes it as is). */
export type Der = Uint8Array<ArrayBuffer>;

const CONSTRUCTED = 0x20;
const CONTEXT = 0x80;

/** One TLV: `tag` (the whole identifier octet), the definite length, `content`. */
export function tlv(tag: number, content: Uint8Array): Der {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xff || (tag & 0x1f) === 0x1f) {
    throw new RangeError(`unsupported DER tag ${tag}`);
  }
  return concat([Uint8Array.of(tag), encodeLength(content.length), content]);
}

/** Short form below 128, else long form with the fewest length octets. */
export function encodeLength(length: number): Der {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`bad length ${length}`);
  if (length < 0x80) return Uint8Array.of(length);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return Uint8Array.of(0x80 | octets.length, ...octets);
}

export function concat(parts: readonly Uint8Array[]): Der {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function sequence(...items: Uint8Array[]): Der {
  return tlv(TAG.SEQUENCE, concat(items));
}

/** SET OF: DER wants the elements sorted by their encodings; they are sorted here. */
export function set(...items: Uint8Array[]): Der {
  return tlv(TAG.SET, concat([...items].sort(compareBytes)));
}

export function boolean(value: boolean): Der {
  return tlv(TAG.BOOLEAN, Uint8Array.of(value ? 0xff : 0x00));
}

/**
 * The non-negative INTEGER whose big-endian magnitude is `magnitude`: leading zero octets
 * dropped, one 0x00 put back when the top bit is set (it would read as negative).
 */
export function unsignedInteger(magnitude: Uint8Array): Der {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.length === 0 ? Uint8Array.of(0) : magnitude.subarray(start);
  const content = trimmed[0] & 0x80 ? concat([Uint8Array.of(0), trimmed]) : trimmed;
  return tlv(TAG.INTEGER, content);
}

/** A small non-negative INTEGER (versions, path lengths). */
export function smallInteger(value: number): Der {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`bad integer ${value}`);
  const octets: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return unsignedInteger(Uint8Array.from(octets));
}

/** OBJECT IDENTIFIER from dotted text (`1.2.840.10045.4.3.2`). */
export function oid(dotted: string): Der {
  if (!/^[0-2](\.\d+)+$/.test(dotted)) throw new RangeError(`bad OID "${dotted}"`);
  const arcs = dotted.split(".").map(Number);
  if (arcs[0] < 2 && arcs[1] > 39) throw new RangeError(`bad OID "${dotted}"`);
  const content: number[] = [];
  for (const arc of [arcs[0] * 40 + arcs[1], ...arcs.slice(2)]) {
    if (!Number.isSafeInteger(arc)) throw new RangeError(`OID arc too large in "${dotted}"`);
    const septets = [arc % 128];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) {
      septets.unshift(0x80 | (rest % 128));
    }
    content.push(...septets);
  }
  return tlv(TAG.OID, Uint8Array.from(content));
}

/** BIT STRING of whole octets, or with `unusedBits` (0–7) low bits of the last one unused. */
export function bitString(bytes: Uint8Array, unusedBits = 0): Der {
  if (!Number.isInteger(unusedBits) || unusedBits < 0 || unusedBits > 7) {
    throw new RangeError(`bad unused bit count ${unusedBits}`);
  }
  if (
    unusedBits > 0 && (bytes.length === 0 || (bytes[bytes.length - 1] & ((1 << unusedBits) - 1)))
  ) {
    throw new RangeError("unused bits of a BIT STRING must be zero");
  }
  return tlv(TAG.BIT_STRING, concat([Uint8Array.of(unusedBits), bytes]));
}

/**
 * A named-bit BIT STRING (KeyUsage) with bits 0.. set as listed; DER drops trailing zero
 * bits, so the length follows the highest bit set.
 */
export function namedBits(bits: readonly number[]): Der {
  if (bits.length === 0) return bitString(new Uint8Array(0));
  const highest = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[Math.floor(bit / 8)] |= 0x80 >> (bit % 8);
  return bitString(bytes, 7 - (highest % 8));
}

export function octetString(bytes: Uint8Array): Der {
  return tlv(TAG.OCTET_STRING, bytes);
}

export function utf8String(text: string): Der {
  return tlv(TAG.UTF8_STRING, new TextEncoder().encode(text));
}

export function printableString(text: string): Der {
  if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text)) {
    throw new RangeError(`"${text}" has characters PrintableString cannot hold`);
  }
  return tlv(TAG.PRINTABLE_STRING, new TextEncoder().encode(text));
}

export function ia5String(text: string): Der {
  return tlv(TAG.IA5_STRING, ia5Bytes(text));
}

/** The content octets of an IA5String (ASCII), for `[n] IMPLICIT IA5String` fields. */
export function ia5Bytes(text: string): Der {
  const bytes = new TextEncoder().encode(text);
  if (bytes.some((byte) => byte > 0x7f)) throw new RangeError(`"${text}" is not IA5 (ASCII)`);
  return bytes;
}

/**
 * X.509 Time (RFC 5280 4.1.2.5): UTCTime `YYMMDDHHMMSSZ` for 1950–2049, GeneralizedTime
 * `YYYYMMDDHHMMSSZ` otherwise; milliseconds are dropped.
 */
export function time(date: Date): Der {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) throw new RangeError(`bad date ${date}`);
  const two = (n: number): string => String(n).padStart(2, "0");
  const rest = two(date.getUTCMonth() + 1) + two(date.getUTCDate()) + two(date.getUTCHours()) +
    two(date.getUTCMinutes()) + two(date.getUTCSeconds()) + "Z";
  const utc = year >= 1950 && year < 2050;
  const text = utc ? two(year % 100) + rest : String(year).padStart(4, "0") + rest;
  return tlv(utc ? TAG.UTC_TIME : TAG.GENERALIZED_TIME, new TextEncoder().encode(text));
}

/** `[n] EXPLICIT`: a constructed context tag wrapping one encoded value. */
export function explicit(n: number, inner: Uint8Array): Der {
  return tlv(CONTEXT | CONSTRUCTED | contextNumber(n), inner);
}

/**
 * `[n] IMPLICIT`: `content` under a context tag instead of its own. Primitive unless the
 * replaced type was constructed (a SEQUENCE, say).
 */
export function implicit(n: number, content: Uint8Array, constructed = false): Der {
  return tlv(CONTEXT | (constructed ? CONSTRUCTED : 0) | contextNumber(n), content);
}

function contextNumber(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 30) throw new RangeError(`bad context tag [${n}]`);
  return n;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}
