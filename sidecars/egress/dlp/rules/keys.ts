import { decodeBase64, validBech32 } from "../checksum.ts";
import { B, defineRule, E, EU, prefixRule, type SecretRule } from "./rule.ts";

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

function decodeJson(part: string): Record<string, unknown> | null {
  const text = decodeBase64(part);
  if (text === null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? parsed as Record<string, unknown>
      : null;
  } catch {
    return null;
  }
}

/**
 * Tokens that are public by design: jwt.io's example (any signature), Supabase anon keys
 * and the Supabase CLI's local demo keys, and GitHub's signed release-asset download links.
 */
function publicJwt(payload: Record<string, unknown>): boolean {
  if (payload.sub === "1234567890" && payload.name === "John Doe") return true;
  if (payload.iss === "supabase-demo") return true;
  if (payload.iss === "supabase" && payload.role === "anon") return true;
  const aud = payload.aud;
  return typeof aud === "string" && /(?:^|\.)githubusercontent\.com$/.test(aud);
}

function credentialJwt(m: RegExpExecArray): boolean {
  const header = decodeJson(m[1]);
  if (header === null || typeof header.alg !== "string") return false;
  if (decodeBase64(m[2]) === null) return false;
  const payload = decodeJson(m[2]);
  return payload === null || !publicJwt(payload);
}

export const KEY_RULES: SecretRule[] = [
  // One anchor for every kind: the pattern tells them apart.
  ...PEM_KINDS.map(([id, label, title]) =>
    prefixRule(id, title, ["-----BEGIN "], `-----BEGIN ${label}-----${PEM_BODY}`)
  ),
  defineRule({
    id: "jwt",
    title: "JSON Web Token",
    anchors: ["eyJ"],
    anchorBefore: B,
    anchorAfter: "[A-Za-z0-9_-]{5}",
    pattern: `${B}(eyJ[A-Za-z0-9_-]{5,1500})\\.([A-Za-z0-9_-]{2,5000})\\.[A-Za-z0-9_-]{0,1500}` +
      `${EU}(?!\\.[A-Za-z0-9_-])`,
    validate: credentialJwt,
  }),
  prefixRule(
    "age-secret-key",
    "age secret key",
    ["AGE-SECRET-KEY-1"],
    `AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}${E}`,
    (m) => validBech32(m[0]),
  ),
];
