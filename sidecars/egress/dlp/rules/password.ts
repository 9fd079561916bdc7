/**
 * Judging a free-form password (from a URL's userinfo): templates, variables, masks,
 * placeholder words and the defaults every tutorial uses are not secrets.
 */
import { characterClasses } from "../entropy.ts";

/** Template and variable syntax anywhere in the value. */
const TEMPLATE = new RegExp(
  [
    String.raw`\$\{`, // ${DB_PASSWORD}, ${{ secrets.X }}
    String.raw`\$\(`, // $(cat secret)
    String.raw`\{\{`, // {{ .Password }}
    String.raw`\{%`, // {% password %}
    String.raw`<%`, // <%= ENV["X"] %>
    String.raw`#\{`, // #{password}
    String.raw`%\(`, // %(password)s
    String.raw`^\$[A-Za-z_]`, // $DB_PASSWORD
    String.raw`^%[A-Za-z_][A-Za-z0-9_]*%$`, // %DB_PASSWORD%
    String.raw`^%[-+# 0-9.]*[sdvqxXfg]$`, // %s
    String.raw`^<[^>]*>$`, // <password>
    String.raw`^\[[^\]]*\]$`, // [password]
    String.raw`^\{[A-Za-z_][A-Za-z0-9_.]*\}$`, // {password}
    String.raw`^:[A-Za-z_]+$`, // :password
    String.raw`\*\*\*`, // ***
    String.raw`\.\.\.|…`,
    "^[xX*.#_-]+$",
    "x{4,}|X{4,}",
  ].join("|"),
);

/** Words that mark a value as a stand-in, after undoing leetspeak (`P@ssw0rd`). */
const PLACEHOLDER_WORD =
  /passw|passwd|secret|changeme|changeit|example|placeholder|redacted|dummy|sample|replace|yourpass|mypass|foobar|letmein|qwerty|notreal/;

/** Tutorial defaults and weak words, compared whole once trailing digits and marks go. */
const DEFAULTS: ReadonlySet<string> = new Set([
  "",
  "pass",
  "pwd",
  "pw",
  "test",
  "testing",
  "admin",
  "administrator",
  "root",
  "toor",
  "guest",
  "user",
  "username",
  "login",
  "postgres",
  "postgresql",
  "mysql",
  "mariadb",
  "mongo",
  "mongodb",
  "redis",
  "rabbit",
  "rabbitmq",
  "oracle",
  "sa",
  "db",
  "database",
  "demo",
  "dev",
  "devel",
  "development",
  "local",
  "localhost",
  "default",
  "welcome",
  "master",
  "hunter",
  "abc",
  "none",
  "null",
  "nil",
  "empty",
  "token",
  "apikey",
  "key",
  "auth",
  "foo",
  "bar",
  "baz",
  "docker",
  "app",
  "web",
]);

const LEET: Record<string, string> = {
  "0": "o",
  "1": "i",
  "3": "e",
  "4": "a",
  "5": "s",
  "7": "t",
  "@": "a",
  "$": "s",
};

function unleet(value: string): string {
  return value.toLowerCase().replace(/[013457@$]/g, (c) => LEET[c]);
}

/** True when `value` is written as a placeholder, template or well-known default. */
export function isPlaceholderPassword(value: string): boolean {
  if (TEMPLATE.test(value)) return true;
  if (PLACEHOLDER_WORD.test(unleet(value))) return true;
  const stem = value.toLowerCase().replace(/[^a-z]+$/, "").replace(/^[^a-z]+/, "");
  return DEFAULTS.has(stem) && stem.length >= value.length - 4;
}

/**
 * True when `password` (percent-decoded), sent with `user`, looks like a real password: not
 * a placeholder, not the user name again (`guest:guest`), and either long or of mixed
 * characters.
 */
export function plausiblePassword(password: string, user: string): boolean {
  if (password.length < 6 || isPlaceholderPassword(password)) return false;
  if (password.toLowerCase() === user.toLowerCase()) return false;
  return password.length >= 12 || characterClasses(password) >= 2;
}
