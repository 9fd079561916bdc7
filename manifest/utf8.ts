/** Strict UTF-8 decoding of a manifest: an invalid byte is located, never replaced. */

export type Decoded = { ok: true; text: string } | { ok: false; line: number; col: number };

export function decodeUtf8(bytes: Uint8Array): Decoded {
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    const at = firstInvalid(bytes);
    const before = new TextDecoder().decode(bytes.subarray(0, at));
    const lineStart = before.lastIndexOf("\n") + 1;
    const line = before.slice(0, lineStart).split("\n").length;
    return { ok: false, line, col: [...before.slice(lineStart)].length + 1 };
  }
}

/** The offset of the first byte that does not start a well-formed UTF-8 sequence. */
function firstInvalid(bytes: Uint8Array): number {
  const strict = new TextDecoder("utf-8", { fatal: true });
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at];
    const size = lead < 0x80
      ? 1
      : lead >= 0xc2 && lead < 0xe0
      ? 2
      : lead >= 0xe0 && lead < 0xf0
      ? 3
      : lead >= 0xf0 && lead < 0xf5
      ? 4
      : 0;
    if (size === 0 || at + size > bytes.length) return at;
    try {
      strict.decode(bytes.subarray(at, at + size));
    } catch {
      return at;
    }
    at += size;
  }
  return at;
}
