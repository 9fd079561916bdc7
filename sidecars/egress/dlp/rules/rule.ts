import { pivotIndex } from "../pivots.ts";
import { type RegexReach, regexReach } from "../regex_reach.ts";

/** One secret format. Several rules may share an id (variants of one format). */
export interface SecretRule {
  /** Stable id, used in findings and in `DlpConfig.rules`. */
  readonly id: string;
  /** What was found, for the finding's detail (never the value). */
  readonly title: string;
  /** Literals the prefilter looks for; `pattern` is tried at each one's start. */
  readonly anchors: readonly string[];
  readonly anchorCase: "sensitive" | "insensitive";
  /** Regex source the text must match just before an anchor (checked while prefiltering). */
  readonly anchorBefore: string;
  /** Regex source the text must match just after an anchor (checked while prefiltering). */
  readonly anchorAfter: string;
  /** Sticky regex tried at an anchor's start; context before it goes in a lookbehind. */
  readonly pattern: RegExp;
  readonly reach: RegexReach;
  readonly validate: (match: RegExpExecArray) => boolean;
  /** The secret value in a match (without its key or context), checked against placeholders. */
  readonly secret: (match: RegExpExecArray) => string;
}

export interface RuleSpec {
  id: string;
  title: string;
  anchors: string[];
  anchorCase?: "sensitive" | "insensitive";
  anchorBefore?: string;
  anchorAfter?: string;
  /** Regex source (no flags; see `caseless` for case-insensitive parts). */
  pattern: string;
  validate?: (match: RegExpExecArray) => boolean;
  /** Defaults to the whole match. */
  secret?: (match: RegExpExecArray) => string;
}

export function defineRule(spec: RuleSpec): SecretRule {
  return {
    id: spec.id,
    title: spec.title,
    anchors: spec.anchors,
    anchorCase: spec.anchorCase ?? "sensitive",
    anchorBefore: spec.anchorBefore ?? "",
    anchorAfter: spec.anchorAfter ?? "",
    pattern: new RegExp(spec.pattern, "y"),
    reach: regexReach(spec.pattern),
    validate: spec.validate ?? ((): boolean => true),
    secret: spec.secret ?? ((m): string => m[0]),
  };
}

/**
 * Not preceded / followed by an alphanumeric: the boundary for distinctive prefixes, which
 * may follow any punctuation (`X-sk-ant-api03-…` as a header name, `MY_ghp_…`).
 */
export const B = "(?<![A-Za-z0-9])";
export const E = "(?![A-Za-z0-9])";
/**
 * Not preceded / followed by a base64url character: for short or ambiguous prefixes
 * (`key-`), and after any token whose alphabet has `_` and `-`.
 */
export const BU = "(?<![A-Za-z0-9_-])";
export const EU = "(?![A-Za-z0-9_-])";
/**
 * Every key a keyed rule (`contextRule`, the generic rule) matches ends with one of these
 * words, case-insensitively; the prefilter checks their last two letters first.
 */
export const KEY_WORDS = [
  "key",
  "token",
  "secret",
  "pass",
  "password",
  "passwd",
  "passphrase",
  "pwd",
  "credential",
  "credentials",
];

/** Regex source: the last two letters of some KEY_WORD. */
export const KEY_WORD_ENDING = caseless(
  `(?:${[...new Set(KEY_WORDS.map((w) => w.slice(-2)))].join("|")})`,
);

/** Quotes (maybe JSON-escaped, as in JSON inside a JSON string) and spaces after a key. */
export const KEY_END = String.raw`\\?["']?\s{0,4}`;
/**
 * What every keyed rule's anchor requires before the operator: a key ending in a KEY_WORD.
 * All keyed rules share this one anchor, so the prefilter checks one key pattern however
 * many keyed rules there are; each rule's own key is checked by its pattern.
 */
export const KEYED_BEFORE = `${caseless(`(?:${KEY_WORDS.join("|")})`)}${KEY_END}`;
/** `=`, `:`, `=>` or `:=`, then spaces and an optional (maybe escaped) quote. */
export const ASSIGN = String.raw`(?:=>|:=|=|:)\s{0,4}\\?["']?`;
/**
 * What an assignment anchor (`=` or `:`) must be followed by: the rest of the operator and
 * at least 8 characters a value can start with. Every keyed rule's value satisfies it; most
 * `=` and `:` in code and JSON do not.
 */
export const VALUE_AHEAD = String.raw`[=>]?\s{0,4}\\?["']?[^\s"'\\<>(){}[\],;]{8}`;

/**
 * A token recognisable only by the key it is assigned to (`COHERE_API_KEY=…`). `key` is a
 * regex source matched case-insensitively right before the assignment operator, which is
 * the anchor: `=` and `:` are rare enough in benign text for the prefilter to skip to. The
 * key must end with one of KEY_WORDS.
 */
export function contextRule(
  id: string,
  title: string,
  key: string,
  value: string,
  validate?: (match: RegExpExecArray) => boolean,
): SecretRule {
  return defineRule({
    id,
    title,
    anchors: [":", "="],
    anchorBefore: KEYED_BEFORE,
    anchorAfter: VALUE_AHEAD,
    pattern: `(?<=(?:${caseless(key)})${KEY_END})${ASSIGN}(${value})${E}`,
    validate,
    secret: (m) => m[1],
  });
}

/**
 * The part of a prefix the prefilter needs: up to its pivot (`sk-` of `sk-ant-api03-`).
 * Prefixes that end at their pivot share one check per pivot character; what follows the
 * pivot is left to the rule's pattern, which runs at far fewer places than the prefilter.
 */
function anchorOf(prefix: string): string {
  const pivot = pivotIndex(prefix);
  return pivot >= 2 ? prefix.slice(0, pivot + 1) : prefix;
}

/** A token that starts with a fixed prefix: `pattern` must start with that prefix. */
export function prefixRule(
  id: string,
  title: string,
  prefixes: string[],
  pattern: string,
  validate?: (match: RegExpExecArray) => boolean,
  secret?: (match: RegExpExecArray) => string,
): SecretRule {
  const anchors = [...new Set(prefixes.map(anchorOf))];
  return defineRule({ id, title, anchors, pattern, validate, secret });
}

/**
 * `source` matching letters in either case, spelled out as `[aA]` classes: V8 mis-handles
 * `(?i:…)` groups containing character classes inside lookbehinds.
 */
export function caseless(source: string): string {
  const swap = (ch: string): string =>
    ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === "\\") {
      out += source.slice(i, i + 2);
      i++;
    } else if (inClass && source[i + 1] === "-" && source[i + 2] !== "]" && /[A-Za-z]/.test(ch)) {
      const range = source.slice(i, i + 3);
      out += range + [...range].map(swap).join("");
      i += 2;
    } else if (/[A-Za-z]/.test(ch)) {
      out += inClass ? ch + swap(ch) : `[${ch.toLowerCase()}${ch.toUpperCase()}]`;
    } else {
      if (ch === "[") inClass = true;
      if (ch === "]") inClass = false;
      out += ch;
    }
  }
  return out;
}

const SPECIAL = /[.*+?^${}()|[\]\\/-]/;

export function escapeRegex(text: string): string {
  // One character at a time when literals are turned into regex atoms (literalAtoms).
  if (text.length === 1) return SPECIAL.test(text) ? `\\${text}` : text;
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}
