/**
 * Text is scanned as "binary strings": one char per byte (latin1), so offsets are byte
 * offsets and arbitrary bytes survive. Secrets are ASCII; a non-ASCII secret is matched by
 * its UTF-8 bytes.
 */
import { latin1, utf8Bytes } from "../../../lib/bytes.ts";

/** A JS string as a binary string of its UTF-8 bytes (unchanged when it is already latin1). */
export function toBinary(text: string): string {
  // deno-lint-ignore no-control-regex
  return /[^\x00-\xff]/.test(text) ? latin1(utf8Bytes(text)) : text;
}

/** The UTF-8 bytes of one code point, as a binary string. */
export function utf8Binary(codePoint: number): string {
  return latin1(utf8Bytes(String.fromCodePoint(codePoint)));
}
