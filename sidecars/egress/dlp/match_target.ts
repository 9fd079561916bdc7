/**
 * What the matcher tests: a rule target at an anchor, and the literal needles (a bottle's own
 * secrets) searched for as they are. Kept apart from the matcher so the searches it drives
 * can name these types without importing it.
 */

/** What the matcher checks at an anchor's start. */
export interface MatchTarget {
  /** Rule id for findings. */
  readonly id: string;
  /** Secret-free description for findings. */
  readonly title: string;
  /** The furthest `test` reads past `start`, and before it. */
  readonly ahead: number;
  readonly behind: number;
  test(text: string, start: number): boolean;
  /** A sticky regex that must match at `start` for `test` to pass (lets targets be skipped). */
  readonly pattern?: RegExp;
}

/**
 * A literal searched for as it is (long and alphanumeric: the bottle's secrets). The
 * target is tested `offset` characters before each occurrence of `needle`; targets sharing
 * a needle and offset share one search.
 */
export interface NeedleSpec {
  needle: string;
  offset: number;
  target: MatchTarget;
}
