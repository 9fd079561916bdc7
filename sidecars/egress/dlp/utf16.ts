/**
 * UTF-16 text inside a byte stream (a UTF-16LE or -BE body, with or without a BOM, or a
 * UTF-16 member of an upload): stretches of at least MIN_PAIRS characters below U+0100,
 * each one byte and a NUL, decoded to one byte per character, one stretch per line. A
 * big-endian stretch is the same pattern one byte later.
 */
import type { DecodedChunk, TextDecoderStream } from "./decoders.ts";

const MIN_PAIRS = 8;
const STRETCH = new RegExp(`(?:[^\\x00]\\x00){${MIN_PAIRS},}`, "g");
// deno-lint-ignore no-control-regex
const CONTINUATION = /(?:[^\x00]\x00)*/y;
/**
 * Where the characters-and-NULs ending `text` start, when too few for a stretch yet: they
 * are kept back, as the next chunk may make them one.
 */
function alternatingTail(text: string): number {
  let start = text.length;
  if (start > 0 && text[start - 1] !== "\0") start--;
  while (start >= 2 && text[start - 1] === "\0" && text[start - 2] !== "\0") start -= 2;
  return text.length - start < 2 * MIN_PAIRS ? start : text.length;
}

function narrow(stretch: string): string {
  return stretch.replaceAll("\0", "");
}

export class Utf16Stream implements TextDecoderStream {
  #held = "";
  /** The consumed input ends inside a stretch. */
  #open = false;

  push(chunk: string): DecodedChunk {
    // Most text has no NUL: then only the last character is kept back, and the chunk is
    // not copied onto what was.
    if (!this.#open && chunk !== "" && !chunk.includes("\0") && !this.#held.includes("\0")) {
      const consumed = this.#held.length + chunk.length - 1;
      this.#held = chunk[chunk.length - 1];
      return { consumed, text: "", changed: true };
    }
    return this.#process(this.#held + chunk, false);
  }

  flush(): DecodedChunk {
    return this.#process(this.#held, true);
  }

  #process(text: string, final: boolean): DecodedChunk {
    let out = "";
    let from = 0;
    if (this.#open) {
      CONTINUATION.lastIndex = 0;
      const piece = CONTINUATION.exec(text)![0];
      out += narrow(piece);
      from = piece.length;
      if (from >= text.length - 1 && !final) {
        this.#held = text.slice(from);
        return { consumed: from, text: out, changed: true };
      }
      out += "\n";
      this.#open = false;
    }
    if (!text.includes("\0", from)) {
      // The last character may be the first of a pair the next chunk completes.
      const cut = final ? text.length : Math.max(from, text.length - 1);
      this.#held = text.slice(cut);
      return { consumed: cut, text: out, changed: true };
    }
    const end = final ? text.length : Math.max(from, alternatingTail(text));
    const region = text.slice(0, end);
    STRETCH.lastIndex = from;
    for (let m = STRETCH.exec(region); m !== null; m = STRETCH.exec(region)) {
      const stop = m.index + m[0].length;
      out += narrow(m[0]);
      if (stop >= end - 1 && !final) {
        this.#open = true;
        this.#held = text.slice(stop);
        return { consumed: stop, text: out, changed: true };
      }
      out += "\n";
    }
    this.#held = text.slice(end);
    return { consumed: end, text: out, changed: true };
  }
}

/** The UTF-16 stretches of a whole string, one per line. */
export function decodeUtf16(text: string): string {
  if (!text.includes("\0")) return "";
  const stream = new Utf16Stream();
  return stream.push(text).text + stream.flush().text;
}
