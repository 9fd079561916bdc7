/**
 * The leak detector: did any byte of a blocked secret reach the origin (or the 403 the agent
 * got)? The origin's record of a case (request heads and bodies as they arrived, chunked
 * framing removed) is turned into views: content-decoded, JSON-unescaped, percent-decoded,
 * UTF-16 decoded, and every base64 / base32 / hex run, gzip member and zip member inside
 * decoded, a few levels deep. In those views it looks for the secret's raw, JSON-escaped,
 * URL-encoded, base64 and base64url (all three alignments), hex (both cases) and UTF-16
 * forms, and each of their halves: a secret the proxy blocks must not have been let
 * through in part either. Written independently of the engine. Pure.
 */
import { Buffer } from "node:buffer";
import zlib from "node:zlib";
import { base64Core, hex, latin1, latin1Bytes, utf8Bytes } from "../../../../../lib/bytes.ts";

export interface LeakForm {
  label: string;
  /** A byte string (one char per byte), as it would appear on the wire. */
  text: string;
}

/** Forms shorter than this are looked for whole only; halves must be at least half of it. */
const MIN_HALVED = 16;

function bytesText(text: string): string {
  return latin1(utf8Bytes(text));
}

function utf16Text(text: string, endian: "le" | "be"): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const [lo, hi] = [String.fromCharCode(unit & 0xff), String.fromCharCode(unit >>> 8)];
    out += endian === "le" ? lo + hi : hi + lo;
  }
  return out;
}

/** Every form of `secret` (and of the `extra` encodings given) the detector looks for. */
export function leakForms(
  secret: string,
  extra: readonly string[] = [],
  wholeOnly = false,
): LeakForm[] {
  const raw = bytesText(secret);
  const whole: LeakForm[] = [
    { label: "raw", text: raw },
    { label: "json-escaped", text: bytesText(JSON.stringify(secret).slice(1, -1)) },
    { label: "header-escaped", text: bytesText(secret.replace(/\r?\n/g, "\\n")) },
    { label: "url-encoded", text: encodeURIComponent(secret) },
    { label: "form-encoded", text: new URLSearchParams({ x: secret }).toString().slice(2) },
    { label: "hex", text: hex(latin1Bytes(raw)) },
    { label: "HEX", text: hex(latin1Bytes(raw)).toUpperCase() },
    { label: "utf-16le", text: utf16Text(secret, "le") },
    { label: "utf-16be", text: utf16Text(secret, "be") },
  ];
  for (const offset of [0, 1, 2]) {
    whole.push({ label: `base64@${offset}`, text: base64Core(raw, offset) });
    whole.push({ label: `base64url@${offset}`, text: base64Core(raw, offset, "base64url") });
  }
  extra.forEach((text, i) => whole.push({ label: `case form ${i}`, text: bytesText(text) }));
  const seen = new Set<string>();
  const out: LeakForm[] = [];
  const push = (form: LeakForm): void => {
    if (form.text.length === 0 || seen.has(form.text)) return;
    seen.add(form.text);
    out.push(form);
  };
  for (const form of whole) {
    push(form);
    if (wholeOnly || form.text.length < MIN_HALVED) continue;
    const half = Math.ceil(form.text.length / 2);
    push({ label: `${form.label}, first half`, text: form.text.slice(0, half) });
    push({ label: `${form.label}, second half`, text: form.text.slice(form.text.length - half) });
  }
  return out;
}

export interface ViewLimits {
  /** Decoding levels below the recorded bytes. */
  depth: number;
  /** Views in all. */
  views: number;
  /** Characters in all views together. */
  chars: number;
}

const DEFAULT_LIMITS: ViewLimits = { depth: 3, views: 96, chars: 16 * 1024 * 1024 };

const TOLERANT = { finishFlush: zlib.constants.Z_SYNC_FLUSH };

function tryDecompress(kind: string, bytes: Uint8Array): Uint8Array | null {
  try {
    switch (kind) {
      case "gzip":
      case "x-gzip":
        return zlib.gunzipSync(bytes, TOLERANT);
      case "deflate":
        try {
          return zlib.inflateSync(bytes, TOLERANT);
        } catch {
          return zlib.inflateRawSync(bytes, TOLERANT);
        }
      case "raw":
        return zlib.inflateRawSync(bytes, TOLERANT);
      case "br":
        return zlib.brotliDecompressSync(bytes, {
          finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
        });
    }
  } catch {
    // not that coding, or cut off too early to say anything
  }
  return null;
}

function jsonUnescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|["\\/bfnrt])/g, (_, e: string) => {
    if (e[0] === "u") return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" } as Record<string, string>)[e] ?? e;
  });
}

function percentDecode(text: string, plus: boolean): string {
  const spaced = plus ? text.replace(/\+/g, " ") : text;
  return spaced.replace(
    /%([0-9a-fA-F]{2})/g,
    (_, h: string) => String.fromCharCode(parseInt(h, 16)),
  );
}

function utf16Decode(text: string, endian: "le" | "be"): string {
  let out = "";
  for (let i = 0; i + 1 < text.length; i += 2) {
    const [a, b] = [text.charCodeAt(i), text.charCodeAt(i + 1)];
    out += String.fromCharCode(endian === "le" ? a | (b << 8) : (a << 8) | b);
  }
  return out;
}

function base32Decode(run: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  let out = "";
  for (const c of run.replace(/=+$/, "")) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out += String.fromCharCode((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/** Zip members' data (stored or deflated), found by their local headers. */
function zipMembers(text: string): string[] {
  const out: string[] = [];
  for (
    let at = text.indexOf("PK\x03\x04");
    at >= 0 && out.length < 16;
    at = text.indexOf("PK\x03\x04", at + 4)
  ) {
    const bytes = Buffer.from(text.slice(at, at + 30), "latin1");
    if (bytes.length < 30) break;
    const method = bytes.readUInt16LE(8);
    const start = at + 30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28);
    const data = Buffer.from(text.slice(start), "latin1");
    if (method === 0) out.push(text.slice(start, start + bytes.readUInt32LE(18)));
    else if (method === 8) {
      const inflated = tryDecompress("raw", data);
      if (inflated !== null) out.push(latin1(inflated));
    }
  }
  return out;
}

/** What one view decodes to, one level down. */
function decodings(view: string): string[] {
  const out: string[] = [jsonUnescape(view), percentDecode(view, false), percentDecode(view, true)];
  const nul = view.length === 0 ? 0 : (view.match(/\0/g)?.length ?? 0) / view.length;
  if (nul > 0.2) out.push(utf16Decode(view, "le"), utf16Decode(view, "be"));
  for (const m of view.matchAll(/[A-Za-z0-9+/_-]{16,}(?:\r?\n[A-Za-z0-9+/_-]+)*={0,2}/g)) {
    const run = m[0].replace(/\s+/g, "");
    out.push(Buffer.from(run, "base64").toString("latin1"));
    // A run that starts mid-quantum: decode from each of its first three characters too.
    for (const skip of [1, 2, 3]) {
      out.push(Buffer.from(run.slice(skip), "base64").toString("latin1"));
    }
  }
  for (const m of view.matchAll(/(?:[0-9a-fA-F]{2}){12,}/g)) {
    out.push(Buffer.from(m[0], "hex").toString("latin1"));
  }
  for (const m of view.matchAll(/[A-Z2-7]{16,}=*/g)) out.push(base32Decode(m[0]));
  for (
    let at = view.indexOf("\x1f\x8b");
    at >= 0 && out.length < 64;
    at = view.indexOf("\x1f\x8b", at + 2)
  ) {
    const inflated = tryDecompress("gzip", Buffer.from(view.slice(at), "latin1"));
    if (inflated !== null) out.push(latin1(inflated));
  }
  out.push(...zipMembers(view));
  return out.filter((v) => v.length >= 8 && v !== view);
}

/** One recorded request: its head, and its body as it arrived (framing removed). */
export interface RecordedRequest {
  head: string;
  body: Uint8Array;
}

/** Every view of what the origin received, bounded by `limits`. */
export function recordedViews(
  requests: readonly RecordedRequest[],
  limits: ViewLimits = DEFAULT_LIMITS,
): string[] {
  const roots: string[] = [];
  for (const { head, body } of requests) {
    roots.push(head);
    if (body.length === 0) continue;
    roots.push(latin1(body));
    const coding = /^content-encoding:\s*([^\r\n]+)/im.exec(head)?.[1]?.trim().toLowerCase();
    if (coding !== undefined) {
      const decoded = tryDecompress(coding, body);
      if (decoded !== null) roots.push(latin1(decoded));
    }
  }
  return expandViews(roots, limits);
}

/** `roots` and what they decode to, breadth first, bounded. */
export function expandViews(
  roots: readonly string[],
  limits: ViewLimits = DEFAULT_LIMITS,
): string[] {
  const views: string[] = [];
  const seen = new Set<string>();
  let chars = 0;
  let level = roots.filter((r) => r.length > 0);
  for (let depth = 0; depth <= limits.depth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const view of level) {
      if (views.length >= limits.views || chars + view.length > limits.chars) return views;
      if (seen.has(view)) continue;
      seen.add(view);
      views.push(view);
      chars += view.length;
      if (depth < limits.depth) next.push(...decodings(view));
    }
    level = next;
  }
  return views;
}

/** Labels of the forms present in any view (empty: nothing leaked). */
export function findLeaks(views: readonly string[], forms: readonly LeakForm[]): string[] {
  return forms.filter((form) => views.some((view) => view.includes(form.text))).map((f) => f.label);
}
