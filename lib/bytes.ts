/**
 * Bytes ↔ text, one way each. UTF-8 for text that is text; latin1 (ISO-8859-1: one char per
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
    const { process } = globalThis as unknown as {
      process: { getBuiltinModule(name: "node:buffer"): { Buffer: typeof Buffer } };
    };
    bufferClass = process.getBuiltinModule("node:buffer").Buffer;
  }
  return bufferClass;
}
