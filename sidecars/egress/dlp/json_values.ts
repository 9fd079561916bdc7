/**
 * A secret split across adjacent JSON string values (`{"a": "AKIA1234", "b": "5678…"}`):
 * the values of a JSON document, in order and unescaped, with consecutive short token-like
 * ones (no whitespace, at most MAX_PART characters) joined into one line. Keys, numbers and
 * punctuation between them do not break a line; a value that is not token-like does.
 *
 * Streaming: a string cut by a chunk boundary is kept (up to MAX_PART characters, then only
 * watched for its end), and so is a closed one until the next character tells whether it
 * was a key; `pending` says how many consumed characters that holds back.
 */
import type { DecodedChunk } from "./decoders.ts";

/** Longer values are content (a file, a prompt), not a fragment of a secret. */
const MAX_PART = 512;
const TOKEN = /^[^\s"]+$/;

export interface JoinedChunk extends DecodedChunk {
  pending: number;
}

export class JsonValueJoiner {
  /** The string being read: raw (escaped) text so far, or null when not inside one. */
  #string: string | null = null;
  /** It passed MAX_PART: its end is awaited, its content dropped. */
  #long = false;
  /** The last backslash-escape may continue in the next chunk. */
  #escape = false;
  /** A closed value waiting for the next character (a `:` makes it a key). */
  #closed: string | null = null;
  /** Stream offset where the held string (open or closed) starts. */
  #since = 0;
  #offset = 0;
  /** The current line holds joined values. */
  #joining = false;

  /** Output of the current push. */
  #out = "";

  /** Where the next backslash of the current chunk is (-1: none; -2: not searched yet). */
  #backslash = -2;

  push(chunk: string): JoinedChunk {
    this.#out = "";
    this.#backslash = -2;
    let i = 0;
    while (i < chunk.length) {
      if (this.#string !== null) {
        i = this.#readString(chunk, i);
        continue;
      }
      const quote = chunk.indexOf('"', i);
      const next = this.#closed === null ? -1 : nextSignificant(chunk, i, quote);
      if (this.#closed !== null && next !== -1) this.#settle(chunk[next] === ":");
      if (quote === -1) break;
      if (this.#closed !== null) this.#settle(false);
      this.#string = "";
      this.#long = false;
      this.#since = this.#offset + quote;
      i = quote + 1;
    }
    this.#offset += chunk.length;
    const held = this.#string !== null || this.#closed !== null;
    return {
      consumed: chunk.length,
      text: this.#out,
      changed: true,
      pending: held ? this.#offset - this.#since : 0,
    };
  }

  flush(): JoinedChunk {
    this.#out = "";
    if (this.#closed !== null) this.#settle(false);
    this.#breakLine();
    this.#string = null;
    return { consumed: 0, text: this.#out, changed: true, pending: 0 };
  }

  /** Reads string content from `i`; returns where reading stops. */
  #readString(chunk: string, i: number): number {
    let at = i;
    if (this.#escape) {
      this.#append(chunk, at, at + 1);
      this.#escape = false;
      at++;
    }
    let from = at;
    for (;;) {
      const quote = chunk.indexOf('"', from);
      // The next backslash, searched for again only once passed (not per string).
      if (this.#backslash !== -1 && this.#backslash < from) {
        this.#backslash = chunk.indexOf("\\", from);
      }
      const escape = this.#backslash;
      if (escape !== -1 && (quote === -1 || escape < quote)) {
        if (escape + 1 >= chunk.length) {
          this.#append(chunk, at, chunk.length);
          this.#escape = true;
          return chunk.length;
        }
        from = escape + 2;
        continue;
      }
      if (quote === -1) {
        this.#append(chunk, at, chunk.length);
        return chunk.length;
      }
      this.#append(chunk, at, quote);
      this.#closed = this.#long ? null : this.#string;
      if (this.#long) this.#breakLine();
      this.#string = null;
      return quote + 1;
    }
  }

  #append(chunk: string, from: number, to: number): void {
    if (this.#long || to <= from) return;
    if (this.#string!.length + to - from > MAX_PART) {
      this.#long = true;
      this.#string = "";
      return;
    }
    this.#string += chunk.slice(from, to);
  }

  /** Ends the line of joined values, if one is open. */
  #breakLine(): void {
    if (this.#joining) this.#out += "\n";
    this.#joining = false;
  }

  /** The closed string is a key (skipped) or a value (joined, or breaking the line). */
  #settle(isKey: boolean): void {
    const raw = this.#closed!;
    this.#closed = null;
    if (isKey) return;
    const value = unescapeJson(raw);
    if (TOKEN.test(value) && value.length <= MAX_PART) {
      this.#out += value;
      this.#joining = true;
    } else {
      this.#breakLine();
    }
  }
}

/** The index of the first non-whitespace character in chunk[from, to) (to = -1: the end). */
function nextSignificant(chunk: string, from: number, to: number): number {
  const end = to === -1 ? chunk.length : to + 1;
  for (let i = from; i < end; i++) {
    const c = chunk.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
  }
  return -1;
}

function unescapeJson(raw: string): string {
  if (!raw.includes("\\")) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
