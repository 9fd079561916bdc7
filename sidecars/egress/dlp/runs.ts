/**
 * Encoded runs: maximal stretches of base64 / base64url characters at least MIN_RUN long,
 * decoded every way they can be read — base64 (standard and url alphabets), every hex
 * stretch inside them from its first and from its second character (a stray character in
 * front shifts the pairs), and base32 (either case) when the whole run is base32 — so that
 * known formats are matched inside them, not only the bottle's own secrets.
 *
 * Streaming: a run cut by a chunk boundary is decoded up to the last multiple of 8
 * characters (where base64 and base32 are at a group boundary) and continues in the next
 * chunk; shorter tails are held back. A hex stretch is decoded whole when it ends, and
 * `pending` tells how much consumed input that decoding still owes. Text outside runs is
 * left to the raw scan.
 */
import { type ArchiveKind, base64ArchiveKind } from "./archive.ts";
import {
  BASE32_CLASS,
  classify,
  decodeBase32,
  decodeBase64Run,
  HEX_CLASS,
  hexDecodings,
  textStretches,
} from "./run_text.ts";
import { charSet, findStretches } from "./stretches.ts";

export { decodeBase32 } from "./run_text.ts";

export type RunKind = "base64" | "hex" | "hex-odd" | "base32";
export const RUN_KINDS: readonly RunKind[] = ["base64", "hex", "hex-odd", "base32"];

/** Shorter runs cannot hold a secret: the shortest formats are 16+ bytes encoded. */
export const MIN_RUN = 16;
/** A hex stretch holds 12 bytes at least. */
const MIN_HEX = 24;
/** Base64 and base32 are group-aligned at multiples of this many run characters. */
const ALIGN = 8;
const CONTINUATION = /[A-Za-z0-9+/_-]*/y;
const LEADING_HEX = /[0-9a-fA-F]*/y;
const RUN_CHARS = charSet("A-Za-z0-9+/_\\-");
const HEX_CHARS = charSet("0-9a-fA-F");

/**
 * A decoding of (part of) a run. A run or hex stretch that ends where it starts is `start`
 * and `end` at once: a whole document. A run longer than the input so far comes in pieces:
 * the first is `start`, the last `end`.
 */
export interface RunDecoding {
  kind: RunKind;
  text: string;
  /** Stream offset and length of the input decoded. */
  at: number;
  length: number;
  start: boolean;
  end: boolean;
}

export interface RunChunk {
  /** Input characters consumed (the rest is held back). */
  consumed: number;
  /** How many of the consumed characters, at their end, are not decoded yet. */
  pending: number;
  /** The runs and hex stretches that began and ended in this chunk, one per line. */
  whole: Record<RunKind, string>;
  /** Pieces of runs longer than the input so far. */
  pieces: RunDecoding[];
  /** Runs that ended and are base64 of an archive: its kind and bytes (binary string). */
  archives: { kind: ArchiveKind; data: string }[];
}

/** The hex stretch a run is in the middle of: decoded whole when it ends. */
interface HexStretch {
  text: string;
  /** Stream offset of `text[0]`. */
  since: number;
}

/** What is known of a run that continues past the consumed input. */
interface OpenRun {
  /** Some of the run was decoded already. */
  started: boolean;
  base32: boolean;
  /** The base64 text stretch the run's decoding is in the middle of. */
  text: { open: boolean };
  /** A run that is base64 of an archive: kept until it ends, then opened. */
  archive: { kind: ArchiveKind; pieces: string[]; since: number } | null;
}

/** Appends the decodings of a hex stretch, text[from, to), if it encodes text. */
function hexStretch(out: RunChunk, text: string, from: number, to: number): void {
  const decoded = hexDecodings(text, from, to);
  if (decoded === null) return;
  out.whole.hex += decoded.even;
  out.whole["hex-odd"] += decoded.odd;
}

/**
 * A run, text[from, to), that begins and ends in the input so far: base64 when it encodes
 * text, its hex stretches when they encode text, base32 when it is all base32.
 */
function wholeRun(out: RunChunk, text: string, from: number, to: number): void {
  const archive = base64ArchiveKind(text, from);
  if (archive !== null) {
    out.archives.push({ kind: archive, data: decodeBase64Run(text.slice(from, to)) });
  }
  const classes = classify(text, from, to);
  if ((classes & HEX_CLASS) === 0) {
    const decoded = textStretches(text, { open: false }, false, from, to);
    if (decoded !== "") out.whole.base64 += decoded;
  }
  if (to - from >= MIN_HEX && (classes & HEX_CLASS) !== 0) hexStretch(out, text, from, to);
  else if (to - from >= MIN_HEX) {
    for (const [start, end] of findStretches(text, HEX_CHARS, MIN_HEX, from, to)) {
      hexStretch(out, text, start, end);
    }
  }
  if (classes & BASE32_CLASS) out.whole.base32 += decodeBase32(text.slice(from, to)) + "\n";
}

/** Where the `table` characters ending `text` (after `from`) start. */
function tailStart(text: string, from: number, table: Uint8Array, limit = Infinity): number {
  let start = text.length;
  while (start > from && text.length - start < limit && table[text.charCodeAt(start - 1)]) start--;
  return start;
}

export class EncodedRunStream {
  #held = "";
  #open: OpenRun | null = null;
  #hex: HexStretch | null = null;
  /** Stream offset of `#held[0]`. */
  #offset = 0;

  push(chunk: string): RunChunk {
    return this.#process(this.#held + chunk, false);
  }

  /** Decodes what is held back and `last`, the end of the stream. */
  flush(last = ""): RunChunk {
    return this.#process(this.#held + last, true);
  }

  #process(text: string, final: boolean): RunChunk {
    const out: RunChunk = {
      consumed: 0,
      pending: 0,
      whole: emptyWhole(),
      pieces: [],
      archives: [],
    };
    const consume = (cut: number): RunChunk => {
      this.#held = text.slice(cut);
      this.#offset += cut;
      out.consumed = cut;
      const since = Math.min(this.#hex?.since ?? Infinity, this.#open?.archive?.since ?? Infinity);
      out.pending = since === Infinity ? 0 : this.#offset - since;
      return out;
    };
    let from = 0;
    if (this.#open !== null) {
      CONTINUATION.lastIndex = 0;
      const piece = CONTINUATION.exec(text)![0];
      if (piece.length === text.length && !final) {
        const aligned = piece.length - (piece.length % ALIGN);
        this.#emit(out, this.#open, piece.slice(0, aligned), 0, false);
        return consume(aligned);
      }
      this.#emit(out, this.#open, piece, 0, true);
      this.#open = null;
      from = piece.length;
    }
    // A short tail of run characters may become a run with the next chunk.
    let cut = text.length;
    if (!final) {
      const tail = tailStart(text, from, RUN_CHARS.table, MIN_RUN);
      if (text.length - tail < MIN_RUN) cut = tail;
    }
    for (const [start, end] of findStretches(text, RUN_CHARS, MIN_RUN, from)) {
      if (end < text.length || final) {
        wholeRun(out, text, start, end);
        continue;
      }
      const open: OpenRun = { started: false, base32: true, text: { open: false }, archive: null };
      const aligned = end - start - ((end - start) % ALIGN);
      this.#emit(out, open, text.slice(start, start + aligned), start, false);
      this.#open = open;
      return consume(start + aligned);
    }
    return consume(cut);
  }

  /** The decodings of `piece`, the next characters of a run, at `index` in the input. */
  #emit(out: RunChunk, run: OpenRun, piece: string, index: number, ends: boolean): void {
    if (!run.started && ends) {
      wholeRun(out, piece, 0, piece.length);
      return;
    }
    const at = this.#offset + index;
    if (!run.started) {
      const kind = base64ArchiveKind(piece);
      if (kind !== null) run.archive = { kind, pieces: [], since: at };
    }
    if (run.archive !== null) {
      run.archive.pieces.push(piece);
      if (ends) {
        out.archives.push({
          kind: run.archive.kind,
          data: decodeBase64Run(run.archive.pieces.join("")),
        });
      }
    }
    const wasBase32 = run.base32;
    run.base32 &&= (classify(piece) & BASE32_CLASS) !== 0;
    const part = (kind: RunKind, text: string, end = ends): RunDecoding => ({
      kind,
      text,
      at,
      length: piece.length,
      start: !run.started,
      end,
    });
    out.pieces.push(part("base64", textStretches(piece, run.text, !ends)));
    if (run.base32) out.pieces.push(part("base32", decodeBase32(piece)));
    else if (wasBase32 && run.started) {
      out.pieces.push({ ...part("base32", "", true), start: false });
    }
    this.#hexPiece(out, piece, at, ends);
    run.started = true;
  }

  /** The hex stretches of a run piece starting at stream offset `at`. */
  #hexPiece(out: RunChunk, piece: string, at: number, ends: boolean): void {
    LEADING_HEX.lastIndex = 0;
    const lead = LEADING_HEX.exec(piece)![0].length;
    if (lead > 0) this.#extendHex(piece.slice(0, lead), at);
    if (lead === piece.length) {
      if (ends) this.#closeHex(out);
      return;
    }
    this.#closeHex(out);
    const trail = tailStart(piece, lead, HEX_CHARS.table);
    for (const [start, end] of findStretches(piece, HEX_CHARS, MIN_HEX, lead, trail)) {
      hexStretch(out, piece, start, end);
    }
    if (trail < piece.length) this.#extendHex(piece.slice(trail), at + trail);
    if (ends) this.#closeHex(out);
  }

  #extendHex(text: string, at: number): void {
    if (this.#hex === null) this.#hex = { text, since: at };
    else this.#hex.text += text;
  }

  #closeHex(out: RunChunk): void {
    const stretch = this.#hex;
    this.#hex = null;
    if (stretch !== null && stretch.text.length >= MIN_HEX) {
      hexStretch(out, stretch.text, 0, stretch.text.length);
    }
  }
}

function emptyWhole(): Record<RunKind, string> {
  return { base64: "", hex: "", "hex-odd": "", base32: "" };
}

/** Every decoding of the runs in a whole string, by kind, one run per line. */
export function decodeRuns(text: string): Record<RunKind, string> {
  return new EncodedRunStream().flush(text).whole;
}
