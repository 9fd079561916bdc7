/**
 * Bytes ↔ text, one way each, and joining bytes. UTF-8 for text that is text; latin1 (ISO-8859-1: one char per
 * byte, U+0000–U+00FF) where bytes must survive a round trip through a string, e.g. HTTP
 * heads and needle searches. Not `new TextDecoder("latin1")`: that is windows-1252, which maps
 * 0x80–0x9F to other characters.
 */
import type { Buffer } from "node:buffer";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 decoding; an invalid sequence becomes U+FFFD. */
export function utf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** One character per byte. */
export function latin1(bytes: Uint8Array): string {
  return view(bytes).toString("latin1");
}

/** One byte per UTF-16 code unit: its low 8 bits (the inverse of `latin1`). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Lower-case hex, two digits a byte. */
export function hex(bytes: Uint8Array): string {
  return bytes.toHex();
}

/**
 * The base64 (or base64url) characters that depend on `binary` (latin1: one char a byte)
 * alone when it starts `offset` bytes (0–2) into a longer encoded text: whatever surrounds
 * it, a text holding those bytes at that alignment holds these characters.
 */
export function base64Core(
  binary: string,
  offset: number,
  alphabet: "base64" | "base64url" = "base64",
): string {
  const encoded = nodeBuffer().from("\0".repeat(offset) + binary, "latin1").toString(alphabet);
  // Characters made only of the text's bits (RFC 4648: 6 bits each).
  return encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + binary.length)) / 6));
}

/** The parts end to end, always in a new array. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function view(bytes: Uint8Array): Buffer {
  return nodeBuffer().from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

let bufferClass: typeof Buffer | null = null;

/**
 * node:buffer, loaded at the first use: a static import costs every program that reaches
 * this module ~20 ms of start-up (`bottle exec` reaches it and never needs it).
 */
function nodeBuffer(): typeof Buffer {
  if (!bufferClass) {
    bufferClass = process.getBuiltinModule("node:buffer").Buffer;
  }
  return bufferClass;
}
