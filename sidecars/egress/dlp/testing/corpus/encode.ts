/**
 * Encodings and containers the evasion cases wrap secrets in: base32, UTF-16, hex, zip
 * (deflated members) and tar. Written out by hand so the corpus does not lean on the
 * engine's own decoders. Pure.
 */
import { Buffer } from "node:buffer";
import zlib from "node:zlib";
import { concat, latin1, utf8Bytes } from "../../../../../lib/bytes.ts";
import { crc32 } from "../../checksum.ts";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 with `=` padding. */
export function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += "=";
  return out;
}

export function base64(bytes: Uint8Array | string): string {
  return Buffer.from(typeof bytes === "string" ? utf8Bytes(bytes) : bytes).toString("base64");
}

export function base64url(bytes: Uint8Array | string): string {
  return Buffer.from(typeof bytes === "string" ? utf8Bytes(bytes) : bytes).toString("base64url");
}

export function hex(bytes: Uint8Array | string): string {
  return Buffer.from(typeof bytes === "string" ? utf8Bytes(bytes) : bytes).toString("hex");
}

/** UTF-16 code units, little- or big-endian, with an optional byte order mark. */
export function utf16(text: string, endian: "le" | "be", bom = false): Uint8Array {
  const units = (bom ? "\ufeff" : "") + text;
  const out = new Uint8Array(units.length * 2);
  for (let i = 0; i < units.length; i++) {
    const unit = units.charCodeAt(i);
    const [lo, hi] = [unit & 0xff, unit >>> 8];
    out[2 * i] = endian === "le" ? lo : hi;
    out[2 * i + 1] = endian === "le" ? hi : lo;
  }
  return out;
}

/** CRC-32 of bytes (the zip format's checksum). */
export function crc32Bytes(bytes: Uint8Array): number {
  return crc32(latin1(bytes));
}

/** A zip archive whose members are deflated (method 8), as `zip -r` writes them. */
export function zipArchive(files: Array<[string, string | Uint8Array]>): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, content] of files) {
    const data = typeof content === "string" ? utf8Bytes(content) : content;
    const packed = zlib.deflateRawSync(data);
    const nameBytes = utf8Bytes(name);
    const crc = crc32Bytes(data);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, 8, true);
    local.setUint16(10, 0x6000, true); // 12:00
    local.setUint16(12, 0x58c1, true); // 2024-06-01
    local.setUint32(14, crc, true);
    local.setUint32(18, packed.length, true);
    local.setUint32(22, data.length, true);
    local.setUint16(26, nameBytes.length, true);
    const central = new DataView(new ArrayBuffer(46));
    central.setUint32(0, 0x02014b50, true);
    central.setUint16(4, 0x031e, true);
    central.setUint16(6, 20, true);
    central.setUint16(10, 8, true);
    central.setUint16(12, 0x6000, true);
    central.setUint16(14, 0x58c1, true);
    central.setUint32(16, crc, true);
    central.setUint32(20, packed.length, true);
    central.setUint32(24, data.length, true);
    central.setUint16(28, nameBytes.length, true);
    central.setUint32(38, 0o100644 << 16, true);
    central.setUint32(42, offset, true);
    const entry = concat([new Uint8Array(local.buffer), nameBytes, packed]);
    locals.push(entry);
    centrals.push(concat([new Uint8Array(central.buffer), nameBytes]));
    offset += entry.length;
  }
  const directory = concat(centrals);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, files.length, true);
  end.setUint16(10, files.length, true);
  end.setUint32(12, directory.length, true);
  end.setUint32(16, offset, true);
  return concat([...locals, directory, new Uint8Array(end.buffer)]);
}

/** A ustar archive of regular files. */
export function tarArchive(files: Array<[string, string]>): Uint8Array {
  const blocks: Uint8Array[] = [];
  const field = (block: Uint8Array, at: number, length: number, text: string): void => {
    block.set(utf8Bytes(text).subarray(0, length), at);
  };
  const octal = (n: number, width: number): string => n.toString(8).padStart(width - 1, "0");
  for (const [name, content] of files) {
    const data = utf8Bytes(content);
    const head = new Uint8Array(512);
    field(head, 0, 100, name);
    field(head, 100, 8, octal(0o644, 8));
    field(head, 108, 8, octal(1000, 8));
    field(head, 116, 8, octal(1000, 8));
    field(head, 124, 12, octal(data.length, 12));
    field(head, 136, 12, octal(1717200000, 12));
    field(head, 148, 8, "        ");
    head[156] = 0x30;
    field(head, 257, 6, "ustar");
    field(head, 263, 2, "00");
    field(head, 265, 32, "dev");
    field(head, 297, 32, "dev");
    const sum = head.reduce((n, b) => n + b, 0);
    field(head, 148, 8, `${octal(sum, 7)}\0`);
    blocks.push(head);
    const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
    padded.set(data);
    blocks.push(padded);
  }
  blocks.push(new Uint8Array(1024));
  return concat(blocks);
}
