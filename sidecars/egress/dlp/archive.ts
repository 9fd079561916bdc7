/**
 * Archives inside a body: a gzip file (a `.gz` or `.tar.gz` upload sent without
 * Content-Encoding, or base64 of one) and the members of a zip file, decompressed so that
 * what they hold is scanned. A tar archive needs nothing: its members' bytes are contiguous
 * and the scanners read them as they are.
 *
 * Bounded: at most MAX_MEMBERS zip members, and no more than `maxBytes` of output in all
 * (a decompression bomb is refused, not expanded).
 */
import { Buffer } from "node:buffer";
import zlib from "node:zlib";

export type ArchiveKind = "gzip" | "zip";

const MAX_MEMBERS = 10_000;
/** Archives inside archives are opened this deep. */
export const MAX_ARCHIVE_DEPTH = 2;

export class ArchiveError extends Error {
  override name = "ArchiveError";
  constructor(message: string, readonly tooLarge = false) {
    super(message);
  }
}

/** The archive a binary string starts with, by its magic bytes. */
export function archiveKind(binary: string): ArchiveKind | null {
  if (binary.startsWith("\x1f\x8b\x08")) return "gzip";
  if (binary.startsWith("PK\x03\x04") || binary.startsWith("PK\x05\x06")) return "zip";
  return null;
}

/** Base64 that starts (at `at`) with an archive's magic bytes (gzip `H4sI`, zip `UEsDB`). */
export function base64ArchiveKind(run: string, at = 0): ArchiveKind | null {
  if (run.startsWith("H4sI", at)) return "gzip";
  if (run.startsWith("UEsDB", at) || run.startsWith("UEsFB", at)) return "zip";
  return null;
}

export interface ArchiveMember {
  name: string;
  /** Binary string. */
  content: string;
}

function bytes(binary: string): Buffer {
  return Buffer.from(binary, "latin1");
}

function inflate(kind: "gzip" | "raw", data: Uint8Array, maxBytes: number): string {
  try {
    const options = { maxOutputLength: Math.max(1, maxBytes) };
    const out = kind === "gzip"
      ? zlib.gunzipSync(data, options)
      : zlib.inflateRawSync(data, options);
    return out.toString("latin1");
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
    throw new ArchiveError((error as Error).message, tooLarge);
  }
}

/** The members of a gzip or zip archive (binary string), at most `maxBytes` in all. */
export function archiveMembers(
  kind: ArchiveKind,
  binary: string,
  maxBytes: number,
): ArchiveMember[] {
  if (kind === "gzip") return [{ name: "gzip", content: inflate("gzip", bytes(binary), maxBytes) }];
  return zipMembers(bytes(binary), maxBytes);
}

/**
 * Zip members from the local file headers, in order. Sizes come from the central directory
 * when a member defers them to a data descriptor (general purpose flag bit 3).
 */
function zipMembers(data: Buffer, maxBytes: number): ArchiveMember[] {
  const central = centralSizes(data);
  const members: ArchiveMember[] = [];
  let total = 0;
  let at = 0;
  while (at + 30 <= data.length && data.readUInt32LE(at) === 0x04034b50) {
    if (members.length >= MAX_MEMBERS) throw new ArchiveError("too many zip members");
    const flags = data.readUInt16LE(at + 6);
    const method = data.readUInt16LE(at + 8);
    const nameLength = data.readUInt16LE(at + 26);
    const extraLength = data.readUInt16LE(at + 28);
    const name = data.subarray(at + 30, at + 30 + nameLength).toString("latin1");
    const start = at + 30 + nameLength + extraLength;
    let size = data.readUInt32LE(at + 18);
    if ((flags & 8) !== 0 || size === 0xffffffff) size = central.get(at) ?? -1;
    if (size < 0 || start + size > data.length) throw new ArchiveError("zip member sizes unknown");
    const raw = data.subarray(start, start + size);
    const content = method === 0
      ? raw.toString("latin1")
      : method === 8
      ? inflate("raw", raw, maxBytes - total)
      : null;
    if (content === null) throw new ArchiveError(`zip compression method ${method}`);
    total += content.length;
    if (total > maxBytes) throw new ArchiveError("zip members exceed the size limit", true);
    members.push({ name, content });
    at = start + size;
    if ((flags & 8) !== 0) {
      at += data.readUInt32LE(at) === 0x08074b50 ? 16 : 12;
    }
  }
  return members;
}

/** Compressed sizes by local header offset, from the central directory (if one is found). */
function centralSizes(data: Buffer): Map<number, number> {
  const sizes = new Map<number, number>();
  const end = data.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || end + 22 > data.length) return sizes;
  let at = data.readUInt32LE(end + 16);
  const count = data.readUInt16LE(end + 10);
  for (let i = 0; i < count && at + 46 <= data.length; i++) {
    if (data.readUInt32LE(at) !== 0x02014b50) break;
    sizes.set(data.readUInt32LE(at + 42), data.readUInt32LE(at + 20));
    at += 46 + data.readUInt16LE(at + 28) + data.readUInt16LE(at + 30) +
      data.readUInt16LE(at + 32);
  }
  return sizes;
}
