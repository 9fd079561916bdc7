/** Checksums some token formats carry, and the small decoders validators need. */

const CRC_TABLE = ((): Uint32Array => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE) of a binary string (one byte per char). */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `n` in base62 (0-9A-Za-z), left-padded with "0" to `width`. */
export function base62(n: number, width: number): string {
  let out = "";
  let rest = n;
  while (rest > 0) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, "0");
}

/**
 * GitHub-style token checksum (GitHub classic tokens, npm tokens): `prefix` + 30 random
 * base62 characters + the base62 CRC-32 of those 30 characters in 6 characters.
 */
export function validBase62Crc(token: string, prefixLength: number): boolean {
  const body = token.slice(prefixLength, -6);
  return base62(crc32(body), 6) === token.slice(-6);
}

const BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const BECH32_GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function bech32Polymod(values: number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ BECH32_GEN[i]) >>> 0;
  }
  return chk;
}

function hrpExpand(hrp: string): number[] {
  const codes = [...hrp].map((c) => c.charCodeAt(0));
  return [...codes.map((c) => c >>> 5), 0, ...codes.map((c) => c & 31)];
}

/** The six checksum characters of a bech32 string with this human-readable part and data. */
export function bech32Checksum(hrp: string, data: string): string {
  const values = [...hrpExpand(hrp), ...[...data].map((c) => BECH32.indexOf(c)), 0, 0, 0, 0, 0, 0];
  const mod = bech32Polymod(values) ^ 1;
  let out = "";
  for (let i = 0; i < 6; i++) out += BECH32[(mod >>> (5 * (5 - i))) & 31];
  return out;
}

/** True when `text` (either case, not mixed) is a valid bech32 string. */
export function validBech32(text: string): boolean {
  const lower = text.toLowerCase();
  if (lower !== text && text.toUpperCase() !== text) return false;
  const sep = lower.lastIndexOf("1");
  if (sep < 1 || lower.length - sep < 7) return false;
  const data = lower.slice(sep + 1);
  const values = [...data].map((c) => BECH32.indexOf(c));
  if (values.includes(-1)) return false;
  return bech32Polymod([...hrpExpand(lower.slice(0, sep)), ...values]) === 1;
}

/** Decodes base64 or base64url (padding optional) to a binary string; null if invalid. */
export function decodeBase64(text: string): string | null {
  const std = text.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]*$/.test(std) || std.length % 4 === 1) return null;
  try {
    return atob(std + "=".repeat((4 - (std.length % 4)) % 4));
  } catch {
    return null;
  }
}
