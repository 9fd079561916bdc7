import { charSet, findStretches } from "./stretches.ts";

/**
 * Decoded bytes are scanned only where they are text: stretches of at least MIN_PRINTABLE
 * printable ASCII characters (tabs, line breaks and NULs included, for UTF-16). Every secret format is ASCII
 * text, and random bytes (a decoded image, a compressed blob) hold almost no such stretch,
 * so what decoding costs to scan stays in proportion to the text found.
 */

/** The shortest bottle secret scanned (MIN_SECRET_LENGTH). */
export const MIN_PRINTABLE = 8;
const PRINTABLE = charSet("\\0\\t\\n\\r\\x20-\\x7e");
const IS_PRINTABLE = PRINTABLE.table;

/** The printable stretches of `text`, one per line. */
export function printableStretches(text: string): string {
  const found = findStretches(text, PRINTABLE, MIN_PRINTABLE);
  if (found.length === 1 && found[0][0] === 0 && found[0][1] === text.length) return text;
  return found.map(([start, end]) => text.slice(start, end)).join("\n");
}

/** `printableStretches` over a stream of pieces. */
export class PrintableFilter {
  #held = "";
  #inStretch = false;

  /** The stretches completed or continued by `piece`; `holding` when a short tail waits. */
  push(piece: string): { text: string; holding: boolean } {
    const text = this.#held + piece;
    this.#held = "";
    let out = "";
    let from = 0;
    if (this.#inStretch) {
      PRINTABLE.stretch.lastIndex = 0;
      from = PRINTABLE.stretch.exec(text)![0].length;
      out += text.slice(0, from);
      if (from === text.length) return { text: out, holding: false };
      out += "\n";
      this.#inStretch = false;
    }
    let tail = text.length;
    while (tail > from && IS_PRINTABLE[text.charCodeAt(tail - 1)]) tail--;
    const inner = printableStretches(text.slice(from, tail));
    if (inner !== "") out += inner + "\n";
    if (text.length - tail >= MIN_PRINTABLE) {
      out += text.slice(tail);
      this.#inStretch = true;
    } else {
      this.#held = text.slice(tail);
    }
    return { text: out, holding: this.#held !== "" };
  }

  flush(): string {
    const rest = this.#held.length >= MIN_PRINTABLE ? this.#held : "";
    this.#held = "";
    this.#inStretch = false;
    return rest;
  }
}
