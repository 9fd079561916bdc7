/**
 * The bottle's secrets as needles (bottle_secrets.ts): a dozen search keys per secret. One
 * `indexOf` pass per key (or a regex alternation of them) costs in proportion to the number
 * of secrets; instead the text is probed every STEP characters, at each probe a hash of the
 * Q characters there is looked up among the hashes of every key's Q-grams, and only a hit is
 * checked. Any occurrence of a key covers a probe, since keys are at least STEP + Q - 1 long.
 */
import type { MatchTarget, NeedleSpec } from "./match_target.ts";

interface NeedleSearch {
  needle: string;
  offset: number;
  targets: MatchTarget[];
}

/** Characters hashed at each probe. */
const MAX_Q = 4;
const TABLE_BITS = 16;

/** One search per distinct (needle, offset). */
function groupNeedles(needles: readonly NeedleSpec[]): NeedleSearch[] {
  const searches = new Map<string, NeedleSearch>();
  for (const { needle, offset, target } of needles) {
    const key = `${offset}:${needle}`;
    const search = searches.get(key) ?? { needle, offset, targets: [] };
    search.targets.push(target);
    searches.set(key, search);
  }
  return [...searches.values()];
}

function hash(text: string, i: number, q: number): number {
  let h = 0;
  for (let k = 0; k < q; k++) h = (h * 33 + (text.charCodeAt(i + k) & 0xff)) | 0;
  return (h ^ (h >>> TABLE_BITS)) & ((1 << TABLE_BITS) - 1);
}

export class NeedleSearches {
  readonly #searches: NeedleSearch[];
  readonly #q: number;
  readonly #step: number;
  /** By hash: 0, or 1 + the index in #grams of the Q-grams with that hash. */
  readonly #table = new Uint16Array(1 << TABLE_BITS);
  /** Per distinct hash: the searches having a Q-gram with it, and where in their needle. */
  readonly #grams: { search: number; at: number }[][] = [];

  constructor(needles: readonly NeedleSpec[]) {
    this.#searches = groupNeedles(needles).filter((s) => s.needle.length > 0);
    const shortest = Math.min(...this.#searches.map((s) => s.needle.length));
    this.#q = Math.min(MAX_Q, shortest);
    this.#step = shortest - this.#q + 1;
    this.#searches.forEach(({ needle }, search) => {
      for (let at = 0; at + this.#q <= needle.length; at++) {
        const h = hash(needle, at, this.#q);
        if (this.#table[h] === 0) {
          this.#grams.push([]);
          this.#table[h] = this.#grams.length;
        }
        this.#grams[this.#table[h] - 1].push({ search, at });
      }
    });
  }

  /**
   * Calls `visit` for every needle occurrence reported in [from, to): search by search, in
   * the order the needles were given, each search's occurrences in order.
   */
  visit(
    text: string,
    from: number,
    to: number,
    visit: (target: MatchTarget, start: number) => void,
  ): void {
    if (this.#searches.length === 0) return;
    const q = this.#q;
    const step = this.#step;
    const hits: { search: number; at: number }[] = [];
    const end = Math.min(text.length - q, to - 1 + step - 1);
    for (let probe = from; probe <= end; probe += step) {
      const slot = this.#table[hash(text, probe, q)];
      if (slot === 0) continue;
      for (const gram of this.#grams[slot - 1]) {
        const at = probe - gram.at;
        // Each occurrence is taken at the first probe it covers.
        if (at < from || at >= to || probe - at >= step) continue;
        if (text.startsWith(this.#searches[gram.search].needle, at)) {
          hits.push({ search: gram.search, at });
        }
      }
    }
    hits.sort((a, b) => a.search - b.search || a.at - b.at);
    for (const { search, at } of hits) {
      const { offset, targets } = this.#searches[search];
      if (at < offset) continue;
      for (const target of targets) visit(target, at - offset);
    }
  }
}
