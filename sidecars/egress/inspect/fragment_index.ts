/**
 * Where pieces of the bottle's own secrets occur in a text: every run of `minBytes`
 * consecutive bytes of a secret's private part (what follows a public format prefix such as
 * `sk-ant-api03-`), verbatim, in hex (either case) or in base64/base64url at any alignment,
 * found with a rolling hash over every window of the text (linear time). Pure.
 */

import { base64Core, hex, latin1, latin1Bytes } from "../../../lib/bytes.ts";
import type { SecretTable } from "../secrets/mod.ts";

export type FormName = "raw" | "hex" | "base64" | "base64url";

export interface TrackedSecret {
  /** The route id (what reasons name; never the value). */
  id: string;
  /** Bytes of the private part. */
  length: number;
  /** Bytes a piece needs to count as a fragment. */
  minBytes: number;
}

/** One window of a text that equals a window of a secret's form. */
export interface GramHit {
  secret: number;
  /** Which form of that secret (stable within one index). */
  variant: number;
  form: FormName;
  /** Where the window starts in the scanned text, and in the form's text. */
  at: number;
  offset: number;
  /** The private bytes [from, to) the window fully determines. */
  from: number;
  to: number;
}

interface Variant {
  secret: number;
  form: FormName;
  text: Uint8Array;
  gram: number;
  /** Private bytes fully determined by the form's characters [from, to). */
  bytes(from: number, to: number): [number, number];
}

interface Gram {
  variant: number;
  offset: number;
}

/** Bits of chance a fragment must carry (by the secret's alphabet): ~2^-44 per window. */
const FRAGMENT_BITS = 44;
const MIN_FRAGMENT = 8;
const MAX_FRAGMENT = 16;
/** Characters of a secret always taken as possibly public (e.g. `AIzaSy`). */
const MIN_PUBLIC = 6;
const BASE = 0x01000193;
const FILTER_BITS = 20;

/**
 * Leading characters of a secret that may be public: a Basic user name (`user:`), a format
 * prefix of up to three separated words (`sk-ant-api03-`, `ghp_`, `github_pat_`), and in
 * any case the first six characters.
 */
export function publicPrefixLength(value: string, scheme: string): number {
  if (scheme === "basic" && value.includes(":")) return value.indexOf(":") + 1;
  const words = /^(?:[A-Za-z0-9]{1,10}[-_.]){1,3}/.exec(value)?.[0].length ?? 0;
  return Math.max(words, Math.min(MIN_PUBLIC, value.length));
}

/** The alphabet a secret's private part seems drawn from, in bits per character. */
function bitsPerChar(text: string): number {
  let size = 0;
  if (/[0-9]/.test(text)) size += 10;
  if (/[g-z]/.test(text)) size += 26;
  else if (/[a-f]/.test(text)) size += 6;
  if (/[G-Z]/.test(text)) size += 26;
  else if (/[A-F]/.test(text)) size += 6;
  size += new Set(text.replace(/[0-9A-Za-z]/g, "")).size;
  return Math.log2(Math.max(size, 2));
}

/** Bytes of a fragment: enough for FRAGMENT_BITS of the secret's alphabet, within bounds. */
export function minFragmentBytes(privatePart: string): number {
  const bytes = Math.ceil(FRAGMENT_BITS / bitsPerChar(privatePart));
  return Math.min(MAX_FRAGMENT, Math.max(MIN_FRAGMENT, bytes));
}

function rawVariant(secret: number, text: string, n: number): Variant {
  return { secret, form: "raw", text: latin1Bytes(text), gram: n, bytes: (f, t) => [f, t] };
}

function hexVariant(secret: number, text: string, n: number, upper: boolean): Variant {
  const digits = hex(latin1Bytes(text));
  return {
    secret,
    form: "hex",
    text: latin1Bytes(upper ? digits.toUpperCase() : digits),
    gram: 2 * n,
    bytes: (f, t) => [Math.ceil(f / 2), Math.floor(t / 2)],
  };
}

/** The characters of base64(`offset` zero bytes + text) that depend on the text alone. */
function base64Variant(
  secret: number,
  text: string,
  n: number,
  offset: number,
  url: boolean,
): Variant {
  const skip = Math.ceil((8 * offset) / 6);
  const core = base64Core(text, offset, url ? "base64url" : "base64");
  return {
    secret,
    form: url ? "base64url" : "base64",
    text: latin1Bytes(core),
    gram: Math.floor((4 * n) / 3),
    bytes: (f, t) => [
      Math.max(0, Math.ceil((6 * (f + skip)) / 8) - offset),
      Math.min(text.length, Math.floor((6 * (t + skip)) / 8) - offset),
    ],
  };
}

function variantsOf(secret: number, text: string, n: number): Variant[] {
  const all = [rawVariant(secret, text, n), hexVariant(secret, text, n, false)];
  all.push(hexVariant(secret, text, n, true));
  for (const offset of [0, 1, 2]) {
    for (const url of [false, true]) all.push(base64Variant(secret, text, n, offset, url));
  }
  const seen = new Set<string>();
  return all.filter((v) => {
    const key = `${v.gram}:${latin1(v.text)}`;
    if (v.text.length < v.gram || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function power(exponent: number): number {
  let out = 1;
  for (let i = 0; i < exponent; i++) out = Math.imul(out, BASE);
  return out;
}

/** The rolling hash of a window, mixed so that its top bits are usable. */
function mixed(hash: number): number {
  return Math.imul(hash, 0x9e3779b1) >>> 0;
}

const indexes = new WeakMap<SecretTable, FragmentIndex>();

export class FragmentIndex {
  readonly secrets: TrackedSecret[] = [];
  /** The longest window: a stream keeps this much less one byte to find windows across chunks. */
  readonly maxGram: number;
  private readonly variants: Variant[] = [];
  /** Grams by the hash of their first `prefix` bytes (the shortest gram's length). */
  private readonly grams = new Map<number, Gram[]>();
  private readonly filter = new Uint32Array(1 << (FILTER_BITS - 5));
  private readonly prefix: number;
  private readonly power: number;

  /** The index of a secrets table, built once. */
  static of(table: SecretTable): FragmentIndex {
    let index = indexes.get(table);
    if (index === undefined) {
      index = new FragmentIndex(
        table.secrets.map((s) => ({ id: s.id, value: s.value, scheme: s.scheme })),
      );
      indexes.set(table, index);
    }
    return index;
  }

  constructor(secrets: readonly { id: string; value: string; scheme: string }[]) {
    for (const secret of secrets) {
      const text = secret.value.slice(publicPrefixLength(secret.value, secret.scheme));
      const n = minFragmentBytes(text);
      if (text.length < n) continue;
      const number = this.secrets.length;
      this.secrets.push({ id: secret.id, length: text.length, minBytes: n });
      this.variants.push(...variantsOf(number, text, n));
    }
    this.prefix = this.variants.length === 0 ? 0 : Math.min(...this.variants.map((v) => v.gram));
    this.power = power(this.prefix - 1);
    this.maxGram = Math.max(0, ...this.variants.map((v) => v.gram));
    this.variants.forEach((variant, v) => {
      for (let offset = 0; offset + variant.gram <= variant.text.length; offset++) {
        this.add(variant.text.subarray(offset, offset + this.prefix), { variant: v, offset });
      }
    });
  }

  /** Nothing to look for: the bottle has no secret long enough. */
  get empty(): boolean {
    return this.secrets.length === 0;
  }

  /** Every hit in `bytes` whose window ends after `fresh` (earlier ones were reported). */
  scan(bytes: Uint8Array, fresh: number, emit: (hit: GramHit) => void): void {
    const width = this.prefix;
    if (width === 0 || bytes.length < width) return;
    const filter = this.filter;
    let hash = 0;
    for (let k = 0; k < width; k++) hash = (Math.imul(hash, BASE) + bytes[k]) | 0;
    for (let at = 0;; at++) {
      const key = mixed(hash);
      if ((filter[key >>> (32 - FILTER_BITS + 5)] & (1 << ((key >>> 7) & 31))) !== 0) {
        this.probe(bytes, at, fresh, key, emit);
      }
      if (at + width >= bytes.length) break;
      hash = (Math.imul(hash - Math.imul(bytes[at], this.power), BASE) + bytes[at + width]) | 0;
    }
  }

  private probe(
    bytes: Uint8Array,
    at: number,
    fresh: number,
    key: number,
    emit: (hit: GramHit) => void,
  ): void {
    for (const candidate of this.grams.get(key) ?? []) {
      const variant = this.variants[candidate.variant];
      const end = at + variant.gram;
      if (end <= fresh || end > bytes.length) continue;
      if (!same(bytes, at, variant.text, candidate.offset, variant.gram)) continue;
      const [from, to] = variant.bytes(candidate.offset, candidate.offset + variant.gram);
      emit({
        secret: variant.secret,
        variant: candidate.variant,
        form: variant.form,
        at,
        offset: candidate.offset,
        from,
        to,
      });
    }
  }

  private add(window: Uint8Array, gram: Gram): void {
    let hash = 0;
    for (const byte of window) hash = (Math.imul(hash, BASE) + byte) | 0;
    const key = mixed(hash);
    this.filter[key >>> (32 - FILTER_BITS + 5)] |= 1 << ((key >>> 7) & 31);
    const list = this.grams.get(key);
    if (list === undefined) this.grams.set(key, [gram]);
    else list.push(gram);
  }
}

function same(a: Uint8Array, at: number, b: Uint8Array, offset: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[at + i] !== b[offset + i]) return false;
  return true;
}
