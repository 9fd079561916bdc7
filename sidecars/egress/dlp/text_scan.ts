/**
 * A text stream scanned as it is and through decoded views: percent-decoded, JSON-unescaped,
 * and JSON-unescaped then percent-decoded. Each view has its own window scanner over the
 * decoded stream; a view only scans where decoding changed something nearby (elsewhere it
 * is the raw text, already scanned). `safe` is in raw characters: the minimum over the raw
 * scanner and every view, mapped back through what each decoder consumed.
 */
import {
  type DecodedChunk,
  jsonUnescape,
  JsonUnescaper,
  percentDecode,
  PercentDecoder,
  ThenPercentDecoded,
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

/** A decoded stream's window scanner, and the map from decoded offsets back to raw ones. */
class View {
  readonly #scanner: WindowScanner;
  /** Segments not yet safe, oldest first. */
  #segments: Segment[] = [];
  #raw = 0;
  #decoded = 0;
  /** Decoded offset just after the last segment that changed, or -1. */
  #lastChange = -1;

  constructor(kind: ViewKind, matcher: Matcher, sink: Sink) {
    this.#scanner = new WindowScanner(
      matcher,
      sink,
      LABELS[kind],
      (from) => this.#lastChange > from - matcher.behind,
    );
  }

  take(chunk: DecodedChunk): void {
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
    this.#scanner.finish();
  }

  /** Raw characters before this offset are safe as far as this view is concerned. */
  get safe(): number {
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

export class TextStreamScanner {
  readonly #raw: WindowScanner;
  readonly #percent: { decoder: PercentDecoder; view: View } | null = null;
  /** JSON-unescaping is shared by the JSON view and the JSON-then-percent view. */
  readonly #json: JsonUnescaper | null = null;
  readonly #jsonView: View | null = null;
  readonly #jsonPercent: { decoder: ThenPercentDecoded; view: View } | null = null;

  constructor(matcher: Matcher, sink: Sink, views: readonly ViewKind[]) {
    this.#raw = new WindowScanner(matcher, sink);
    const view = (kind: ViewKind): View => new View(kind, matcher, sink);
    if (views.includes("percent")) {
      this.#percent = { decoder: new PercentDecoder(), view: view("percent") };
    }
    if (views.includes("json") || views.includes("json-percent")) this.#json = new JsonUnescaper();
    if (views.includes("json")) this.#jsonView = view("json");
    if (views.includes("json-percent")) {
      this.#jsonPercent = { decoder: new ThenPercentDecoded(), view: view("json-percent") };
    }
  }

  push(chunk: string): void {
    this.#raw.push(chunk);
    this.#percent?.view.take(this.#percent.decoder.push(chunk));
    if (this.#json) this.#takeJson(this.#json.push(chunk), false);
  }

  finish(): void {
    this.#raw.finish();
    if (this.#percent) {
      this.#percent.view.take(this.#percent.decoder.flush());
      this.#percent.view.finish();
    }
    if (this.#json) this.#takeJson(this.#json.flush(), true);
    this.#jsonView?.finish();
    this.#jsonPercent?.view.finish();
  }

  /** Raw characters before this offset are scanned and hold no undetected secret. */
  get safe(): number {
    const views = [this.#percent?.view, this.#jsonView, this.#jsonPercent?.view];
    return Math.min(this.#raw.safe, ...views.map((v) => v?.safe ?? Infinity));
  }

  #takeJson(chunk: DecodedChunk, flush: boolean): void {
    this.#jsonView?.take(chunk);
    this.#jsonPercent?.view.take(this.#jsonPercent.decoder.take(chunk, flush));
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
