/**
 * Credentials in URLs and connection strings, for every scheme:
 * `postgres://user:password@host`, `redis://:password@host`, `jdbc:mysql://…`,
 * `https://user:token@host`. The anchor is `://`; the user ends at the first `:` and the
 * password at the last `@` before the host: raw `@` and `/` in passwords happen (and a
 * percent-encoded one is decoded by the URL scanner), so `host:port/path@x` is told apart
 * by its port.
 */
import { percentDecode } from "../decoders.ts";
import { characterClasses } from "../entropy.ts";
import { isPlaceholderPassword, plausiblePassword } from "./password.ts";
import { defineRule, type SecretRule } from "./rule.ts";

const USER = String.raw`[^\s:/?#"'\x60\\]{0,64}`;
const PASSWORD = String.raw`[^\s?#"'\x60\\]{1,128}`;
/** `host:8080/path@…`, `host:1433;database=…@…`: what follows the first `:` is a port. */
const PORT = /^[0-9]{1,5}(?:[/;,]|$)/;
/**
 * Before a `:` and a path with `/`, a host, not a user: a name with dots (`github.com:org/x`),
 * `git@host`, an IPv6 literal, a drive letter (`file://C:/img/logo@2x.png`). A password's
 * `/` is percent-encoded in the URL as sent, which is scanned as well.
 */
const HOST_LIKE = /^(?:[^%]*[.@]|\[|[A-Za-z]$)/;
/** What a host can start with (a name, an address, `[::1]`, a template) and its extent. */
const HOST = String.raw`[A-Za-z0-9[$%{_-][^\s/?#"'\x60\\@]{0,99}`;

/** Passwords that mean "the user name is the token" (`https://TOKEN:x-oauth-basic@host`). */
const TOKEN_IN_USER: ReadonlySet<string> = new Set(["x-oauth-basic", "x-oauth-token"]);
/** Users whose password is conventionally an e-mail address or nothing. */
const ANONYMOUS: ReadonlySet<string> = new Set(["anonymous", "ftp"]);

/** A Sentry DSN (`https://<public key>:<deprecated secret>@o1.ingest.sentry.io/1`) is public. */
function sentryDsn(user: string, host: string): boolean {
  return /^[0-9a-f]{32}$/.test(user) && /(?:^|\.)sentry\.io(?::[0-9]+)?$/i.test(host);
}

function plausibleCredentials(m: RegExpExecArray): boolean {
  const user = percentDecode(m[1]);
  const password = percentDecode(m[2]);
  if (sentryDsn(user, m[3]) || ANONYMOUS.has(user.toLowerCase())) return false;
  if (PORT.test(m[2]) || (m[2].includes("/") && HOST_LIKE.test(m[1]))) return false;
  if (TOKEN_IN_USER.has(password.toLowerCase())) {
    return user.length >= 20 && characterClasses(user) >= 2 && !isPlaceholderPassword(user);
  }
  return plausiblePassword(password, user);
}

export const CONNECTION_RULES: SecretRule[] = [
  defineRule({
    id: "url-credentials",
    title: "password in a URL or connection string",
    anchors: ["://"],
    anchorAfter: `${USER}:${PASSWORD}@`,
    pattern: `(?<=[A-Za-z0-9])://(${USER}):(${PASSWORD})@(?=(${HOST}))`,
    validate: plausibleCredentials,
    secret: (m) => m[2],
  }),
];
