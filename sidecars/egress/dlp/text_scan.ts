/**
 * A text stream scanned as it is and through decoded views (percent-escapes, JSON string
 * escapes). Each view has its own window scanner over the decoded stream; a view only scans
 * where decoding changed something nearby (elsewhere it is the raw text, already scanned).
 * `safe` is in raw characters: the minimum over the raw scanner and every view, mapped back
 * through what each decoder consumed.
 */
import {
  ChainedDecoder,
  jsonUnescape,
  JsonUnescaper,
  percentDecode,
  PercentDecoder,
  type TextDecoderStream,
} from "./decoders.ts";
import type { Matcher, Sink } from "./matcher.ts";
import { WindowScanner } from "./window.ts";

export type ViewKind = "percent" | "json" | "json-percent";

/** Every view, for text of unknown structure. */
export const ALL_VIEWS: readonly ViewKind[] = ["percent", "json", "json-percent"];

const LABELS: Record<ViewKind, string> = {
  percent: "percent-decoded",
  json: "JSON-unescaped",
  "json-percent": "JSON-unescaped and percent-decoded",
};

function decoderFor(kind: ViewKind): TextDecoderStream {
  switch (kind) {
    case "percent":
      return new PercentDecoder();
    case "json":
      return new JsonUnescaper();
    case "json-percent":
      return new ChainedDecoder(new JsonUnescaper(), new PercentDecoder());
  }
}

function decodeWhole(kind: ViewKind, text: string): string {
  switch (kind) {
    case "percent":
      return percentDecode(text);
    case "json":
      return jsonUnescape(text);
    case "json-percent":
      return percentDecode(jsonUnescape(text));
  }
}

/** A stretch of input and what the decoder made of it. */
interface Segment {
  rawStart: number;
  decodedStart: number;
  decodedEnd: number;
  changed: boolean;
}

class View {
  readonly #decoder: TextDecoderStream;
  readonly #scanner: WindowScanner;
  /** Segments not yet safe, oldest first. */
  #segments: Segment[] = [];
  #raw = 0;
  #decoded = 0;
  /** Decoded offset just after the last segment that changed, or -1. */
  #lastChange = -1;

  constructor(kind: ViewKind, matcher: Matcher, sink: Sink) {
    this.#decoder = decoderFor(kind);
    this.#scanner = new WindowScanner(
      matcher,
      sink,
      LABELS[kind],
      (from) => this.#lastChange > from - matcher.behind,
    );
  }

  push(chunk: string): void {
    this.#take(this.#decoder.push(chunk));
  }

  finish(): void {
    this.#take(this.#decoder.flush());
    this.#scanner.finish();
  }

  /** Raw characters before this offset are safe as far as this view is concerned. */
  get safe(): number {
    const decodedSafe = this.#scanner.safe;
    while (this.#segments.length > 1 && this.#segments[1].decodedStart <= decodedSafe) {
      this.#segments.shift();
    }
    const segment = this.#segments[0];
    if (segment === undefined || decodedSafe >= this.#decoded) return this.#raw;
    if (decodedSafe < segment.decodedStart) return segment.rawStart;
    return segment.changed
      ? segment.rawStart
      : segment.rawStart + decodedSafe - segment.decodedStart;
  }

  #take(chunk: { consumed: number; text: string; changed: boolean }): void {
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
  }
}

export class TextStreamScanner {
  readonly #raw: WindowScanner;
  readonly #views: View[];

  constructor(matcher: Matcher, sink: Sink, views: readonly ViewKind[]) {
    this.#raw = new WindowScanner(matcher, sink);
    this.#views = views.map((kind) => new View(kind, matcher, sink));
  }

  push(chunk: string): void {
    this.#raw.push(chunk);
    for (const view of this.#views) view.push(chunk);
  }

  finish(): void {
    this.#raw.finish();
    for (const view of this.#views) view.finish();
  }

  /** Raw characters before this offset are scanned and hold no undetected secret. */
  get safe(): number {
    return Math.min(this.#raw.safe, ...this.#views.map((v) => v.safe));
  }
}

/** Scans a whole string as it is and through the given decoded views. */
export function scanText(
  matcher: Matcher,
  text: string,
  sink: Sink,
  views: readonly ViewKind[],
  label = "",
): void {
  matcher.scan(text, 0, text.length, sink, label);
  for (const kind of views) {
    const decoded = decodeWhole(kind, text);
    if (decoded !== text) {
      matcher.scan(decoded, 0, decoded.length, sink, label || LABELS[kind]);
    }
  }
}
