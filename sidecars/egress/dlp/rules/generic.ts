import { decodeBase64 } from "../checksum.ts";
import { characterClasses, shannonEntropy } from "../entropy.ts";
import {
  caseless,
  defineRule,
  KEY_END,
  KEYED_BEFORE,
  type SecretRule,
  VALUE_AHEAD,
} from "./rule.ts";

/** A key must end with one of these (case-insensitive) for its value to be checked. */
const KEY_ENDINGS = [
  "password",
  "passwd",
  "passphrase",
  "pass",
  "pwd",
  "secret",
  "secret[_-]?key",
  "token",
  "api[_-]?key",
  "access[_-]?key",
  "auth[_-]?key",
  "private[_-]?key",
  "credentials?",
];

/** Keys that hold something random but not a credential, or describe one. */
const NOT_A_SECRET_KEY = new RegExp(
  [
    "csrf",
    "xsrf",
    "authenticity",
    "nonce",
    "page",
    "next",
    "cursor",
    "continuation",
    "sync",
    "captcha",
    "idempoten",
    "client_?token",
    "tokeni[sz]",
    "tokens$",
    "_?(?:id|ids|name|names|type|kind|count|limit|max|min|len|length|size|ttl|url|uri|path|file)$",
    "expir",
    "hash",
    "digest",
    "checksum",
    "endpoint",
    "header",
    "field",
    "prefix",
    "format",
    "usage",
    "policy",
    "version",
    "rotation",
    "ref$",
    // Presigned URLs: the signature and credential scope are a capability, not a secret.
    "^x-(?:amz|goog)-",
    // Public by design: publishable keys, public keys, reCAPTCHA site keys, anon keys.
    "publishable",
    "public",
    "site_?key",
    "anon_?key",
  ].join("|"),
  "i",
);

/** Values that are references, templates, placeholders or prose, not secrets. */
const NOT_A_SECRET_VALUE = new RegExp(
  [
    "example",
    "sample",
    "dummy",
    "placeholder",
    "changeme",
    "change_me",
    "redacted",
    "your[_-]",
    "xxxx",
    "\\*\\*\\*",
    "[<>]",
    "\\$\\{",
    "\\{\\{",
    "%\\(",
    "^\\$",
    "process\\.env",
    "environ",
    "getenv",
    "secret",
    "token",
    "passw",
    "test",
    "fake",
    "mock",
    "todo",
    "fixme",
    "null",
    "undefined",
    "bb_placeholder_",
    "^pk_(?:live|test)_",
    "://",
    "^(?:\\.{1,2}|~)?/",
    "(.)\\1{5}",
    "0123|1234|2345|3456|4567|5678|6789|abcd|bcde|cdef|qwer|asdf|abc123|foobar|lorem",
  ].join("|"),
  "i",
);

const MEMBER_EXPRESSION = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
/** An unquoted identifier in code: `PascalCase_1`, `refreshToken2`, `snake_case_name`. */
const IDENTIFIER = /^_?[A-Za-z][a-z]+(?:[A-Z][a-z]+|_[A-Za-z][a-z]+)*_?[0-9]{0,4}$/;
const VALUE_CHARS = "A-Za-z0-9+/=_.~!@#$%^*-";
/** A quoted value: no quotes, spaces, escapes, separators or markup (`=` only as padding). */
const QUOTED = String.raw`[^"'\\\s&=<>{}()[\];,]`;

/** True when `value`, assigned to `key`, looks like a real credential. */
export function plausibleSecretAssignment(key: string, value: string, quoted = true): boolean {
  if (NOT_A_SECRET_KEY.test(key)) return false;
  const passwordKey = /pass|pwd/i.test(key);
  if (value.length < (passwordKey ? 8 : 12)) return false;
  if (NOT_A_SECRET_VALUE.test(value) || MEMBER_EXPRESSION.test(value)) return false;
  if (!quoted && IDENTIFIER.test(value)) return false;
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false;
  if (value.length < 12) return characterClasses(value) >= 3 && shannonEntropy(value) >= 2.5;
  return shannonEntropy(value) >= 3;
}

const KEY_RE = caseless(`(?:${KEY_ENDINGS.join("|")})`);

/**
 * The text a value encodes when it is base64 of printable ASCII without spaces (Kubernetes
 * Secret `data:` holds base64 of the password), else null. Random keys that happen to be
 * valid base64 decode to binary.
 */
export function base64Text(value: string): string | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return null;
  const text = decodeBase64(value);
  return text !== null && /^[\x21-\x7e]+$/.test(text) ? text : null;
}

/** `plausibleSecretAssignment` of what the value says: decoded when it is base64 text. */
function plausibleValue(key: string, value: string, quoted: boolean): boolean {
  const text = base64Text(value);
  return plausibleSecretAssignment(key, text ?? value, quoted || text !== null);
}

/**
 * `password = "…"`, `"api_key": "…"`, `DB_TOKEN=…` with a value that looks random. The
 * anchor is the assignment operator; the key before it (captured by lookbehind, up to 30
 * identifier characters in front of the ending) is checked against `NOT_A_SECRET_KEY`.
 */
export const GENERIC_RULES: SecretRule[] = [
  defineRule({
    id: "generic-secret-assignment",
    title: "high-entropy value assigned to a password / secret / token key",
    anchors: [":", "="],
    anchorBefore: KEYED_BEFORE,
    anchorAfter: VALUE_AHEAD,
    pattern: `(?<=(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{0,30})(${KEY_RE})${KEY_END})` +
      String.raw`(?:=>|:=|=|:)\s{0,4}` +
      `(?:\\\\?"(${QUOTED}{8,256}={0,2})\\\\?"|'(${QUOTED}{8,256}={0,2})'|` +
      // Unquoted and followed by `=` or `(`: code (`a = b = c`, `token = make(…)`).
      `([${VALUE_CHARS}]{8,256})(?![${VALUE_CHARS}])(?!\\s{0,4}[=(]))`,
    validate: (m) => plausibleValue(m[1] + m[2], m[3] ?? m[4] ?? m[5], m[5] === undefined),
    secret: (m) => m[3] ?? m[4] ?? m[5],
  }),
];
