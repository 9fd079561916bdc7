/**
 * Decoded views of a text stream: percent-escapes and JSON string escapes. Each decoder is
 * incremental: an escape cut by a chunk boundary is held back until the next chunk, and
 * every push reports how much input it consumed and whether it decoded anything.
 */
import { utf8Binary } from "./binary.ts";

export interface DecodedChunk {
  /** Input characters consumed (the rest is held back). */
  consumed: number;
  text: string;
  /** False when `text` is the consumed input unchanged. */
  changed: boolean;
}

export interface TextDecoderStream {
  push(chunk: string): DecodedChunk;
  flush(): DecodedChunk;
}

const PERCENT_TAIL = /%(?:u[0-9A-Fa-f]{0,3}|[0-9A-Fa-f]?)$/;

/**
 * `%41` → `A`, byte for byte (binary strings), and IIS-style `%u0041`; malformed escapes
 * stay as they are. That is exactly the legacy `unescape`, which is native and fast.
 */
export function percentDecode(text: string, plusIsSpace = false): string {
  const spaced = plusIsSpace ? text.replaceAll("+", " ") : text;
  return spaced.includes("%") ? unescape(spaced) : spaced;
}

export class PercentDecoder implements TextDecoderStream {
  #held = "";

  push(chunk: string): DecodedChunk {
    const text = this.#held + chunk;
    const tail = PERCENT_TAIL.exec(text.slice(-6));
    const cut = tail ? text.length - tail[0].length : text.length;
    this.#held = text.slice(cut);
    return decodeWith(text.slice(0, cut), percentDecode);
  }

  flush(): DecodedChunk {
    const rest = this.#held;
    this.#held = "";
    return { consumed: rest.length, text: rest, changed: false };
  }
}

/**
 * `\uXXXX` and `\/` behind any number of backslashes: JSON inside a JSON string (tool-call
 * arguments) escapes its escapes. A lone `\\` is matched and kept, so that the `n` in
 * `\\n` is not taken for part of an escape.
 */
const HEX4 = "[0-9a-fA-F]{4}";
const HIGH = "[dD][89abAB][0-9a-fA-F]{2}";
const LOW = "[dD][c-fC-F][0-9a-fA-F]{2}";
const JSON_ESCAPE = new RegExp(
  String.raw`\\+u(?:(${HIGH})\\+u(${LOW})|(${HEX4}))|\\+\/|\\\\`,
  "g",
);

function jsonEscape(escape: string, hi?: string, lo?: string, single?: string): string {
  if (hi !== undefined && lo !== undefined) {
    return utf8Binary(0x10000 + ((parseInt(hi, 16) - 0xd800) << 10) + (parseInt(lo, 16) - 0xdc00));
  }
  if (single !== undefined) return utf8Binary(parseInt(single, 16));
  return escape.endsWith("/") ? "/" : escape;
}

/**
 * Decodes `\uXXXX` (to UTF-8 bytes) and `\/`, the escapes that can hide a token's own
 * characters; `\"` and the rest stay (the rules accept an escaped quote around a value).
 */
export function jsonUnescape(text: string): string {
  return HAS_JSON_ESCAPE.test(text) ? text.replace(JSON_ESCAPE, jsonEscape) : text;
}

/** Whether `jsonUnescape` would change anything (most JSON has only `\"` and `\n`). */
const HAS_JSON_ESCAPE = /\\+[u/]/;

/**
 * An escape the next chunk may complete: backslashes, `\u` with fewer than four hex digits,
 * or a high surrogate (with or without the start of its low half).
 */
const JSON_PARTIAL =
  /^\\+(?:u(?:[0-9a-fA-F]{0,3}|[dD][89abAB][0-9a-fA-F]{2}(?:\\+(?:u[0-9a-fA-F]{0,3})?)?))?$/;

/** Where an escape that may continue in the next chunk starts, or the text's length. */
function jsonHoldback(text: string): number {
  let from = Math.max(0, text.length - 24);
  while (from > 0 && text[from - 1] === "\\") from--;
  for (let i = from; i < text.length; i++) {
    if (text[i] === "\\" && (i === 0 || text[i - 1] !== "\\") && JSON_PARTIAL.test(text.slice(i))) {
      return i;
    }
  }
  return text.length;
}

export class JsonUnescaper implements TextDecoderStream {
  #held = "";

  push(chunk: string): DecodedChunk {
    const text = this.#held + chunk;
    const cut = text.includes("\\") ? jsonHoldback(text) : text.length;
    this.#held = text.slice(cut);
    return decodeWith(text.slice(0, cut), jsonUnescape);
  }

  flush(): DecodedChunk {
    const rest = this.#held;
    this.#held = "";
    return decodeWith(rest, jsonUnescape);
  }
}

function decodeWith(text: string, decode: (text: string) => string): DecodedChunk {
  const decoded = decode(text);
  return { consumed: text.length, text: decoded, changed: decoded !== text };
}

/**
 * Percent-decoding of an already decoded stream (JSON-unescaped text): each of the first
 * stage's chunks maps to one chunk here. `consumed` is the first stage's, and a chunk whose
 * end the percent decoder holds back is marked changed, so offsets map conservatively.
 */
export class ThenPercentDecoded {
  readonly #percent = new PercentDecoder();

  take(first: DecodedChunk, flush: boolean): DecodedChunk {
    const second = this.#percent.push(first.text);
    const rest = flush ? this.#percent.flush().text : "";
    const held = !flush && second.consumed < first.text.length;
    return {
      consumed: first.consumed,
      text: second.text + rest,
      changed: first.changed || second.changed || held,
    };
  }
}
