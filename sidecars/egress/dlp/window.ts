/**
 * Incremental scanning of a text stream. Anchors are decided in order of position; an
 * anchor at position p is decided once the text reaches p + `matcher.ahead` (everything any
 * rule can read past it), so a secret split across pushes is seen whole. Only the tail the
 * undecided anchors may still need is kept, and everything before the earliest character an
 * undecided secret could start at is safe.
 */
import type { FindingSink, Matcher } from "./matcher.ts";

/** Extra characters kept past `matcher.ahead` before an anchor is decided. */
const GUARD = 16;

export class WindowScanner {
  /** The retained text, as pushed (joined only when scanned); `#start` is its offset. */
  #pieces: string[] = [];
  #start = 0;
  #end = 0;
  /** Anchors before this stream offset are decided. */
  #decided = 0;
  #ended = false;

  /**
   * `shouldScan(from, end)` may skip a region (the stream offsets of the anchors to decide,
   * and the current end of the text) when another scanner covers it.
   */
  constructor(
    private readonly matcher: Matcher,
    private readonly sink: FindingSink,
    private readonly label = "",
    private readonly shouldScan: (from: number, end: number) => boolean = () => true,
  ) {}

  /** Characters before this stream offset cannot belong to a secret still undetected. */
  get safe(): number {
    return this.#ended ? this.#end : Math.max(0, this.#decided - this.matcher.behind);
  }

  push(chunk: string): void {
    if (chunk.length === 0) return;
    this.#pieces.push(chunk);
    this.#end += chunk.length;
    const limit = this.#end - this.matcher.ahead - GUARD;
    if (limit > this.#decided) this.#decide(limit);
  }

  finish(): void {
    if (this.#ended) return;
    this.#decide(this.#end);
    this.#ended = true;
    this.#pieces = [];
    this.#start = this.#end;
  }

  #decide(limit: number): void {
    if (this.shouldScan(this.#decided, this.#end)) {
      const text = this.#pieces.length === 1 ? this.#pieces[0] : this.#pieces.join("");
      this.#pieces = [text];
      this.matcher.scan(
        text,
        this.#decided - this.#start,
        limit - this.#start,
        this.sink,
        this.label,
      );
    }
    this.#decided = limit;
    this.#trim(Math.max(this.#start, limit - this.matcher.behind));
  }

  /** Drops text before `keepFrom` (whole pieces, then a cut of the first). */
  #trim(keepFrom: number): void {
    while (this.#pieces.length > 1 && this.#start + this.#pieces[0].length <= keepFrom) {
      this.#start += this.#pieces.shift()!.length;
    }
    if (this.#pieces.length === 1 && keepFrom > this.#start) {
      this.#pieces[0] = this.#pieces[0].slice(keepFrom - this.#start);
      this.#start = keepFrom;
    }
  }
}
