/**
 * Decoded views of a text stream. A View feeds a decoded stream to its own scanner and maps
 * what that scanner has cleared back to raw offsets: a stretch the decoder changed is safe
 * only as a whole, an unchanged one character by character. The escape views (percent,
 * JSON, JSON then percent) are named here; text_scan.ts puts them, and the decodings of
 * encoded runs, together.
 */
import { type DecodedChunk, jsonUnescape, percentDecode } from "./decoders.ts";

export type ViewKind = "percent" | "json" | "json-percent";

/** Every view, for text of unknown structure. */
export const ALL_VIEWS: readonly ViewKind[] = ["percent", "json", "json-percent"];

/** How findings in each view are labelled. */
export const VIEW_LABELS: Record<ViewKind, string> = {
  percent: "percent-decoded",
  json: "JSON-unescaped",
  "json-percent": "JSON-unescaped and percent-decoded",
};

/** A whole text through one view. */
export function decodeWhole(kind: ViewKind, text: string): string {
  switch (kind) {
    case "percent":
      return percentDecode(text);
    case "json":
      return jsonUnescape(text);
    case "json-percent":
      return percentDecode(jsonUnescape(text));
  }
}

/** The label of a decoding inside another (`outer, then inner`). */
export function nestedLabel(outer: string, inner: string): string {
  return outer ? `${outer}, then ${inner}` : inner;
}

/** A scanner of a (decoded) stream: what a view feeds. */
export interface StreamScanner {
  push(text: string): void;
  finish(): void;
  readonly safe: number;
}

/** A stretch of input and what the decoder made of it. */
interface Segment {
  rawStart: number;
  decodedStart: number;
  decodedEnd: number;
  changed: boolean;
}

/** A decoded chunk, and how many consumed characters at its end are not decoded yet. */
export type ViewChunk = DecodedChunk & { pending?: number };

/** A decoded stream's scanner, and the map from decoded offsets back to raw ones. */
export class View {
  readonly #scanner: StreamScanner;
  /** Segments not yet safe, oldest first. */
  #segments: Segment[] = [];
  #raw = 0;
  #decoded = 0;
  #pending = 0;
  /** Decoded offset just after the last segment that changed, or -1. */
  #lastChange = -1;

  /** `makeScanner` gets a test of whether decoding changed anything near a decoded offset. */
  constructor(
    makeScanner: (changedNear: (from: number) => boolean) => StreamScanner,
    rawStart = 0,
  ) {
    this.#scanner = makeScanner((from) => this.#lastChange > from);
    this.#raw = rawStart;
  }

  take(chunk: ViewChunk): void {
    this.#pending = chunk.pending ?? 0;
    if (chunk.consumed === 0 && chunk.text.length === 0) return;
    const segment: Segment = {
      rawStart: this.#raw,
      decodedStart: this.#decoded,
      decodedEnd: this.#decoded + chunk.text.length,
      changed: chunk.changed,
    };
    this.#segments.push(segment);
    this.#raw += chunk.consumed;
    this.#decoded = segment.decodedEnd;
    if (chunk.changed) this.#lastChange = segment.decodedEnd;
    this.#scanner.push(chunk.text);
    this.#prune(this.#scanner.safe);
  }

  finish(): void {
    this.#pending = 0;
    this.#scanner.finish();
  }

  /** Raw characters before this offset are safe as far as this view is concerned. */
  get safe(): number {
    return Math.min(this.#mappedSafe(), this.#raw - this.#pending);
  }

  #mappedSafe(): number {
    const decodedSafe = this.#scanner.safe;
    this.#prune(decodedSafe);
    const segment = this.#segments[0];
    if (segment === undefined || decodedSafe >= this.#decoded) return this.#raw;
    if (decodedSafe < segment.decodedStart) return segment.rawStart;
    return segment.changed
      ? segment.rawStart
      : segment.rawStart + decodedSafe - segment.decodedStart;
  }

  /** Drops segments wholly before `decodedSafe`. */
  #prune(decodedSafe: number): void {
    let drop = 0;
    while (
      drop + 1 < this.#segments.length && this.#segments[drop + 1].decodedStart <= decodedSafe
    ) {
      drop++;
    }
    if (drop > 0) this.#segments = this.#segments.slice(drop);
  }
}
