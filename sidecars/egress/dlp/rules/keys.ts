import { decodeBase64, validBech32 } from "../checksum.ts";
import { BU, defineRule, E, EU, prefixRule, type SecretRule } from "./rule.ts";

const PEM_KINDS: [string, string, string][] = [
  ["private-key-rsa", "RSA PRIVATE KEY", "RSA private key (PEM)"],
  ["private-key-ec", "EC PRIVATE KEY", "EC private key (PEM)"],
  ["private-key-dsa", "DSA PRIVATE KEY", "DSA private key (PEM)"],
  ["private-key-openssh", "OPENSSH PRIVATE KEY", "OpenSSH private key"],
  ["private-key-pkcs8", "PRIVATE KEY", "PKCS#8 private key (PEM)"],
  ["private-key-encrypted", "ENCRYPTED PRIVATE KEY", "encrypted PKCS#8 private key (PEM)"],
  ["private-key-pgp", "PGP PRIVATE KEY BLOCK", "PGP private key block"],
];

/** A line break: real, or escaped as in JSON and source strings. */
const NL = String.raw`(?:\\[rn]|[\r\n])`;
/**
 * After the BEGIN line: optional armor headers (`Proc-Type:`, `Version:` …), then base64.
 * Requiring base64 keeps PEM parsers' own source code (which names the header) quiet.
 */
const PEM_BODY =
  String.raw`(?:${NL}|[ \t]){1,8}(?:[A-Za-z-]{2,20}: [^\r\n\\]{0,200}${NL}{1,4}){0,4}` +
  String.raw`(?:${NL}|[ \t]){0,4}[A-Za-z0-9+/=]{40}`;

function jwtHeaderHasAlg(m: RegExpExecArray): boolean {
  const header = decodeBase64(m[1]);
  if (header === null || decodeBase64(m[2]) === null) return false;
  try {
    const parsed: unknown = JSON.parse(header);
    return typeof parsed === "object" && parsed !== null &&
      typeof (parsed as Record<string, unknown>).alg === "string";
  } catch {
    return false;
  }
}

export const KEY_RULES: SecretRule[] = [
  ...PEM_KINDS.map(([id, label, title]) =>
    prefixRule(id, title, [`-----BEGIN ${label}-----`], `-----BEGIN ${label}-----${PEM_BODY}`)
  ),
  defineRule({
    id: "jwt",
    title: "JSON Web Token",
    anchors: ["eyJ"],
    anchorBefore: BU,
    anchorAfter: "[A-Za-z0-9_-]{5}",
    pattern: `${BU}(eyJ[A-Za-z0-9_-]{5,1500})\\.([A-Za-z0-9_-]{2,5000})\\.[A-Za-z0-9_-]{0,1500}` +
      `${EU}(?!\\.[A-Za-z0-9_-])`,
    validate: jwtHeaderHasAlg,
  }),
  prefixRule(
    "age-secret-key",
    "age secret key",
    ["AGE-SECRET-KEY-1"],
    `AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}${E}`,
    (m) => validBech32(m[0]),
  ),
];
