/**
 * The decodings of an encoded run (runs.ts) that hold text. Functions take the run as
 * text[from, to), so that a run found in a chunk is read where it is: a JSON document of ids
 * and digests has a run every few dozen characters, and most are decoded to nothing.
 */
import { Buffer } from "node:buffer";
import { latin1 } from "../../../lib/bytes.ts";
import { charTable } from "./stretches.ts";

export function decodeBase64Run(run: string): string {
  let std = run.includes("-") || run.includes("_")
    ? run.replaceAll("-", "+").replaceAll("_", "/")
    : run;
  if (std.length % 4 === 1) std = std.slice(0, -1);
  return atob(std + "=".repeat((4 - (std.length % 4)) % 4));
}

export function decodeHex(text: string): string {
  return latin1(Buffer.from(text.slice(0, text.length & ~1), "hex"));
}

const BASE32_VALUES = ((): Int8Array => {
  const table = new Int8Array(128).fill(-1);
  [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"].forEach((ch, i) => {
    table[ch.charCodeAt(0)] = i;
    table[ch.toLowerCase().charCodeAt(0)] = i;
  });
  return table;
})();

export function decodeBase32(text: string): string {
  const bytes = new Uint8Array(Math.floor((text.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    value = ((value << 5) | BASE32_VALUES[text.charCodeAt(i)]) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[n++] = (value >>> bits) & 0xff;
    }
  }
  return latin1(bytes.subarray(0, n));
}

/** Bits: hex, base32 upper, base32 lower. */
export const HEX_CLASS = 1;
export const BASE32_CLASS = 2 | 4;
const CLASSES = ((): Uint8Array => {
  const table = new Uint8Array(256);
  const mark = (chars: string, bit: number): void => {
    for (const ch of chars) table[ch.charCodeAt(0)] |= bit;
  };
  mark("0123456789abcdefABCDEF", HEX_CLASS);
  mark("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 2);
  mark("abcdefghijklmnopqrstuvwxyz234567", 4);
  return table;
})();

/** The classes (hex, base32 in either case) every character of text[from, to) belongs to. */
export function classify(text: string, from = 0, to = text.length): number {
  let classes = HEX_CLASS | BASE32_CLASS;
  for (let i = from; i < to && classes !== 0; i++) classes &= CLASSES[text.charCodeAt(i)];
  return classes;
}

/** Hex digits that start a byte of text (2-7: printable ASCII; 0: tab or line break). */
const TEXT_HIGH = charTable("234567");
const CONTROL_LOW = charTable("9aAdD");
/** Bytes in a row that must read as text for a hex stretch to be decoded. */
const TEXT_BYTES = 8;

/** Whether the hex pair at `i` is a byte of text: printable ASCII, tab or line break. */
function textPair(text: string, i: number): boolean {
  const high = text.charCodeAt(i);
  return TEXT_HIGH[high] === 1 || (high === 48 && CONTROL_LOW[text.charCodeAt(i + 1)] === 1);
}

/**
 * Whether TEXT_BYTES pairs in a row of the hex stretch text[from, to), from its character
 * `parity`, are text. Such a streak covers a pair whose index is a multiple of TEXT_BYTES:
 * only those are probed, then extended.
 */
function hexEncodesText(text: string, from: number, to: number, parity: number): boolean {
  const first = from + parity;
  const pairs = (to - first) >> 1;
  for (let probe = 0; probe < pairs; probe += TEXT_BYTES) {
    if (!textPair(text, first + 2 * probe)) continue;
    let start = probe;
    while (start > 0 && probe - start < TEXT_BYTES && textPair(text, first + 2 * (start - 1))) {
      start--;
    }
    let end = probe + 1;
    while (end < pairs && end - start < TEXT_BYTES && textPair(text, first + 2 * end)) end++;
    if (end - start >= TEXT_BYTES) return true;
  }
  return false;
}

/**
 * The hex stretch text[from, to) decoded from its first and from its second character — when
 * some 8 pairs in a row read as text (a digest or an id never does) — one line each, or null.
 */
export function hexDecodings(
  text: string,
  from: number,
  to: number,
): { even: string; odd: string } | null {
  if (!hexEncodesText(text, from, to, 0) && !hexEncodesText(text, from, to, 1)) return null;
  const stretch = text.slice(from, to);
  return { even: decodeHex(stretch) + "\n", odd: decodeHex(stretch.slice(1)) + "\n" };
}

/** For each base64 character, the ways it can sit in a group that encodes text (bits 0-2). */
const TEXT_GROUP = ((): Uint8Array => {
  const table = new Uint8Array(256);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let v = 0; v < 64; v++) {
    const first = v === 0 || v === 2 || v === 3 || (v >= 8 && v <= 31);
    const second = (v & 15) === 0 || ((v & 15) >= 2 && (v & 15) <= 7);
    const third = (v & 3) <= 1;
    const bits = (first ? 1 : 0) | (second ? 2 : 0) | (third ? 4 : 0);
    table[alphabet.charCodeAt(v)] = bits;
    if (v === 62) table["-".charCodeAt(0)] = bits;
    if (v === 63) table["_".charCodeAt(0)] = bits;
  }
  return table;
})();
/** Groups in a row that must read as text (18 bytes) for a stretch of a run to be decoded. */
const TEXT_GROUPS = 6;

/**
 * Whether the base64 group at `i` (of a piece ending at `to`) decodes to text. A group cut
 * short by the piece's end holds padding bits where a full one holds the next byte's: only
 * the characters of whole bytes are checked.
 */
function textGroup(text: string, i: number, to: number): boolean {
  const left = to - i;
  return (TEXT_GROUP[text.charCodeAt(i)] & 1) !== 0 &&
    (left < 3 || (TEXT_GROUP[text.charCodeAt(i + 1)] & 2) !== 0) &&
    (left < 4 || (TEXT_GROUP[text.charCodeAt(i + 2)] & 4) !== 0);
}

/**
 * The base64 decoding of the text in a run piece, text[from, to): stretches of TEXT_GROUPS
 * groups in a row whose bytes are text (printable ASCII, tabs, line breaks, NULs of UTF-16)
 * — a text's bytes constrain the first three characters of each group, which digests, ids,
 * images and compressed data almost never satisfy — one per line. A stretch at the piece's
 * start continues one `carry.open` left open; one at its end stays open when the run
 * continues.
 */
export function textStretches(
  text: string,
  carry: { open: boolean },
  continues: boolean,
  from = 0,
  to = text.length,
): string {
  const piece: Piece = { text, from, to, groups: Math.ceil((to - from) / 4), continues };
  const { groups } = piece;
  if (groups === 0) {
    const ended = carry.open && !continues;
    carry.open &&= continues;
    return ended ? "\n" : "";
  }
  let lead = 0;
  if (carry.open) { while (lead < groups && isText(piece, lead)) lead++; }
  let tail = groups;
  if (continues) { while (tail > lead && isText(piece, tail - 1)) tail--; }
  let out = carry.open && lead === 0 ? "\n" : "";
  const wasOpen = carry.open;
  carry.open = false;
  if (wasOpen && lead > 0) out += stretch(piece, 0, lead, carry);
  // Every streak of TEXT_GROUPS covers a multiple of TEXT_GROUPS: probe those, then extend.
  for (let probe = lead + ((TEXT_GROUPS - (lead % TEXT_GROUPS)) % TEXT_GROUPS); probe < tail;) {
    if (!isText(piece, probe)) {
      probe += TEXT_GROUPS;
      continue;
    }
    let start = probe;
    while (start > lead && isText(piece, start - 1)) start--;
    let end = probe + 1;
    while (end < tail && isText(piece, end)) end++;
    if (end - start >= TEXT_GROUPS) out += stretch(piece, start, end, carry);
    probe = end + TEXT_GROUPS - (end % TEXT_GROUPS);
  }
  if (tail < groups || (continues && lead === groups && !wasOpen)) {
    out += stretch(piece, tail, groups, carry);
  }
  return out;
}

/** A run piece, text[from, to): `groups` base64 groups; the run `continues` after it. */
interface Piece {
  text: string;
  from: number;
  to: number;
  groups: number;
  continues: boolean;
}

function isText(piece: Piece, group: number): boolean {
  return textGroup(piece.text, piece.from + 4 * group, piece.to);
}

/**
 * The decoding of groups [start, end) and a group either side (each holds a byte or two of
 * the text, beside non-text ones), then a line break — or, at the end of a piece whose run
 * continues, `carry` left open.
 */
function stretch(piece: Piece, start: number, end: number, carry: { open: boolean }): string {
  const { text, from, to } = piece;
  const first = start > 0 ? start - 1 : start;
  const decoded = decodeBase64Run(text.slice(from + 4 * first, Math.min(to, from + 4 * (end + 1))));
  if (end === piece.groups && piece.continues) {
    carry.open = true;
    return decoded;
  }
  return decoded + "\n";
}
