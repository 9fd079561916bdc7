/**
 * Checks of what an agent sends (pure): every field is bounded and free of control
 * characters (the operator reads these in a terminal), a host is one exact public name, a
 * branch is a plain ref glob. Problems are written for the model that sent them: what is
 * wrong and what to send instead.
 */

import { canonicalHost, isIpLiteral, nonPublicRange, parseIp } from "../../lib/net/mod.ts";
import type { EgressAsk, GitAsk, HumanAsk } from "./wire.ts";

export const LIMITS = {
  reason: 2000,
  question: 4000,
  host: 253,
  path_prefix: 1024,
  upstream: 100,
  branch: 255,
} as const;

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

function ok<T>(value: T): Checked<T> {
  return { ok: true, value };
}

function bad<T>(problem: string): Checked<T> {
  return { ok: false, problem };
}

// C0 (but tab and newline), DEL, C1, and the bidirectional overrides and isolates that can
// make a line read differently from what it holds.
// deno-lint-ignore no-control-regex
const UNSAFE_MULTILINE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
// deno-lint-ignore no-control-regex
const UNSAFE_LINE = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

/** Free text (a reason, a question): non-empty, at most `max` characters, lines allowed. */
export function checkText(value: unknown, field: string, max: number): Checked<string> {
  if (typeof value !== "string" || value.trim() === "") {
    return bad(`${field} is required: say in plain words what you need and why`);
  }
  const text = value.trim();
  if (text.length > max) {
    return bad(`${field} is ${text.length} characters; the most is ${max}: say it shorter`);
  }
  if (UNSAFE_MULTILINE.test(text)) {
    return bad(`${field} must not contain control or bidirectional-override characters`);
  }
  return ok(text);
}

export function checkReason(value: unknown): Checked<string> {
  return checkText(value, "reason", LIMITS.reason);
}

/** Suffixes of names that resolve only on a local network or the machine itself. */
const LOCAL_SUFFIXES = ["localhost", "local", "internal", "home.arpa", "localdomain", "lan"];

/**
 * `request_egress`'s input: the host canonical (lower case, punycode, no trailing dot), one
 * exact public name; never a wildcard, an IP address, a URL or a local name.
 */
export function checkEgressAsk(
  input: { host: unknown; port?: unknown; path_prefix?: unknown },
): Checked<EgressAsk> {
  const host = checkHost(input.host);
  if (!host.ok) return host;
  const ask: EgressAsk = { host: host.value };
  if (input.port !== undefined && input.port !== null) {
    const port = input.port;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
      return bad("port must be a whole number from 1 to 65535 (443 for HTTPS), or left out");
    }
    ask.port = port;
  }
  if (input.path_prefix !== undefined && input.path_prefix !== null) {
    const path = checkPathPrefix(input.path_prefix);
    if (!path.ok) return path;
    ask.path_prefix = path.value;
  }
  return ok(ask);
}

export function checkHost(value: unknown): Checked<string> {
  const example = "send one exact host name such as api.example.com";
  if (typeof value !== "string" || value === "") return bad(`host is required: ${example}`);
  if (value.length > LIMITS.host) {
    return bad(`host is longer than ${LIMITS.host} characters: ${example}`);
  }
  if (UNSAFE_LINE.test(value) || /\s/.test(value)) {
    return bad(`host must not contain spaces or control characters: ${example}`);
  }
  if (value.includes("://") || value.includes("/")) {
    return bad(`host must be a host name, not a URL: ${example}, and put a path in path_prefix`);
  }
  if (value.includes("*")) {
    return bad(
      "wildcards are never granted: ask for each exact host name you need (api.example.com)",
    );
  }
  if (value.startsWith(".")) {
    return bad(`host must not start with a dot: ${example} (subdomains are not granted)`);
  }
  const ip = value.startsWith("[") ? ipProblem(value.replace(/\]:\d*$/, "]")) : ipProblem(value);
  if (ip !== null) return bad(ip);
  if (value.includes(":")) {
    return bad("host must not carry a port: put the port in the port field");
  }
  const host = canonicalHost(value);
  if (host === null) return bad(`${JSON.stringify(value)} is not a valid host name: ${example}`);
  const canonicalIp = isIpLiteral(host) ? ipProblem(host) : null;
  if (canonicalIp !== null) return bad(canonicalIp);
  if (!host.includes(".")) {
    return bad(`"${host}" is not a public host name (it has no domain): ${example}`);
  }
  const local = LOCAL_SUFFIXES.find((suffix) => host === suffix || host.endsWith(`.${suffix}`));
  if (local !== undefined) {
    return bad(`"${host}" names a local machine (.${local}); only public hosts are granted`);
  }
  return ok(host);
}

/** Refuses every IP literal; names the non-public range it falls in, if any. */
function ipProblem(text: string): string | null {
  if (parseIp(text) === null) return null;
  const range = nonPublicRange(text);
  const where = range === null ? "" : ` (${text} is ${range})`;
  return `IP addresses are never granted${where}: ask for the host name instead`;
}

function checkPathPrefix(value: unknown): Checked<string> {
  if (typeof value !== "string" || !value.startsWith("/")) {
    return bad('path_prefix must start with "/" (for example /v1/), or be left out');
  }
  if (value.length > LIMITS.path_prefix) {
    return bad(`path_prefix is longer than ${LIMITS.path_prefix} characters`);
  }
  if (UNSAFE_LINE.test(value) || /[\s?#\\]/.test(value)) {
    return bad("path_prefix must be a plain URL path: no spaces, control characters, ? # or \\");
  }
  if (value.split("/").some((segment) => segment === "." || segment === "..")) {
    return bad('path_prefix must not contain "." or ".." segments');
  }
  return ok(value);
}

const UPSTREAM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const BRANCH_CHARS = /^[A-Za-z0-9._/*?+@-]+$/;

/** `request_git`'s input: a declared upstream's name and a branch glob to push to. */
export function checkGitAsk(input: { upstream: unknown; branch: unknown }): Checked<GitAsk> {
  const { upstream, branch } = input;
  if (
    typeof upstream !== "string" || upstream.length > LIMITS.upstream ||
    !UPSTREAM_NAME.test(upstream)
  ) {
    return bad(
      "upstream must be the name of an upstream this bottle declares (NAME in " +
        "http://127.0.0.1:3129/NAME.git)",
    );
  }
  const checked = checkBranch(branch);
  return checked.ok ? ok({ upstream, branch: checked.value }) : checked;
}

export function checkBranch(value: unknown): Checked<string> {
  const example = "a branch name or glob such as feature/login or feature/*";
  if (typeof value !== "string" || value === "") return bad(`branch is required: ${example}`);
  if (value.length > LIMITS.branch) {
    return bad(`branch is longer than ${LIMITS.branch} characters: ${example}`);
  }
  if (value.startsWith("refs/")) {
    return bad(`branch is the name without refs/heads/: ${example}`);
  }
  if (!BRANCH_CHARS.test(value)) {
    return bad(`branch may hold only letters, digits and . _ / - + @ * ?: ${example}`);
  }
  const segments = value.split("/");
  if (
    segments.some((segment) => segment === "" || segment.startsWith(".")) ||
    value.startsWith("-") || value.endsWith(".") || value.endsWith(".lock") ||
    value.includes("..")
  ) {
    return bad(`"${value}" is not a valid branch name: ${example}`);
  }
  return ok(value);
}

export function checkHumanAsk(input: { question: unknown }): Checked<HumanAsk> {
  const question = checkText(input.question, "question", LIMITS.question);
  return question.ok ? ok({ question: question.value }) : question;
}
