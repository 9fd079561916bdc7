/**
 * Supervise grants (wire.ts `PolicyGrant`): validation into a compiled form, and which live
 * grant lets a request through. Pure: the time is passed in.
 *
 * A grant names one exact host (canonicalised like an allow rule; never a wildcard or an IP
 * address), maybe one port (without one it covers every port, as an allow rule without
 * `:PORT` does), maybe a path prefix, and maybe an expiry. It is live while `expires_at` is
 * later than now.
 */

import { canonicalHost, isIpLiteral } from "../../../lib/net/mod.ts";
import { hasDotSegment } from "./routes.ts";
import type { PolicyGrant } from "./wire.ts";

export interface CompiledGrant {
  /** Canonical host name. */
  host: string;
  /** null: every port. */
  port: number | null;
  /** "" when the grant covers every path. */
  pathPrefix: string;
  /** Epoch milliseconds; null: until revoked. */
  expiresAt: number | null;
  /** The supervise request the grant answers. */
  request: number;
}

/** What a grant contributes to a verdict it decided. */
export interface GrantAllowance {
  request: number;
  /** "" when the grant covers every path. */
  pathPrefix: string;
  expiresAt: number | null;
}

/** The `rule` of a verdict a grant decided, e.g. `grant:request 3`. */
export function grantRule(request: number): string {
  return `grant:request ${request}`;
}

/** Validates `grants` (untrusted JSON); problems are appended to `problems`. */
export function compileGrants(value: unknown, problems: string[]): CompiledGrant[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push("grants must be an array");
    return [];
  }
  const grants: CompiledGrant[] = [];
  value.forEach((item: unknown, index) => {
    const where = `grants[${index}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      problems.push(`${where} must be an object`);
      return;
    }
    const grant = item as Record<keyof PolicyGrant, unknown>;
    const before = problems.length;
    const host = grantHost(grant.host, where, problems);
    const port = grant.port ?? null;
    if (
      port !== null && (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535)
    ) {
      problems.push(`${where}.port must be an integer 1–65535`);
    }
    const pathPrefix = grant.path_prefix ?? "";
    if (grant.path_prefix !== undefined && !validPrefix(grant.path_prefix)) {
      problems.push(
        `${where}.path_prefix must start with "/" and hold no spaces, control characters or ` +
          `"." / ".." segments`,
      );
    }
    let expiresAt: number | null = null;
    if (grant.expires_at !== undefined) {
      expiresAt = typeof grant.expires_at === "string" ? Date.parse(grant.expires_at) : NaN;
      if (!Number.isFinite(expiresAt)) {
        problems.push(`${where}.expires_at must be an ISO 8601 time`);
      }
    }
    const request = grant.request;
    if (typeof request !== "number" || !Number.isSafeInteger(request) || request < 1) {
      problems.push(`${where}.request must be a positive integer`);
    }
    if (problems.length > before || host === null) return;
    grants.push({
      host,
      port: port as number | null,
      pathPrefix: pathPrefix as string,
      expiresAt,
      request: request as number,
    });
  });
  return grants;
}

function grantHost(value: unknown, where: string, problems: string[]): string | null {
  if (typeof value !== "string") {
    problems.push(`${where}.host must be a string`);
    return null;
  }
  if (value.includes("*")) {
    problems.push(`${where}.host ${JSON.stringify(value)}: a grant names one host, no wildcard`);
    return null;
  }
  const host = canonicalHost(value);
  if (host === null) {
    problems.push(`${where}.host ${JSON.stringify(value)} is not a valid host name`);
    return null;
  }
  if (isIpLiteral(host)) {
    problems.push(
      `${where}.host ${JSON.stringify(value)}: a grant names a host, not an IP address`,
    );
    return null;
  }
  return host;
}

function validPrefix(value: unknown): boolean {
  // deno-lint-ignore no-control-regex
  return typeof value === "string" && value.startsWith("/") && !/[\x00-\x20\x7f]/.test(value) &&
    !hasDotSegment(value);
}

/** Live at `now`: no expiry, or one still ahead. */
export function isLive(grant: CompiledGrant, now: number): boolean {
  return grant.expiresAt === null || grant.expiresAt > now;
}

/** The grants of `host:port` live at `now`. */
export function liveGrants(
  grants: readonly CompiledGrant[],
  host: string,
  port: number,
  now: number,
): CompiledGrant[] {
  return grants.filter((g) =>
    g.host === host && (g.port === null || g.port === port) && isLive(g, now)
  );
}

/**
 * The grant that lets a request for `path` through (origin-form; null for a CONNECT, whose
 * paths are not known yet), among `live` grants of its host and port.
 *
 * For a CONNECT a grant covering every path is preferred (the one that lasts longest); if
 * every grant is narrowed to a path prefix, one of them is returned and the tunnel must be
 * intercepted so each request inside is checked. For a request the longest matching prefix
 * wins (then the longest-lasting grant); a path with dot segments matches no prefix, since
 * the server may resolve it to a path outside it.
 */
export function pickGrant(
  live: readonly CompiledGrant[],
  path: string | null,
): CompiledGrant | null {
  const dotted = path !== null && hasDotSegment(path);
  const fits = live.filter((g) =>
    g.pathPrefix === "" || (path !== null && !dotted && path.startsWith(g.pathPrefix))
  );
  const candidates = path === null && fits.length === 0 ? live : fits;
  let best: CompiledGrant | null = null;
  for (const grant of candidates) {
    if (best === null || better(grant, best)) best = grant;
  }
  return best;
}

function better(a: CompiledGrant, b: CompiledGrant): boolean {
  if (a.pathPrefix.length !== b.pathPrefix.length) {
    return a.pathPrefix.length > b.pathPrefix.length;
  }
  return (a.expiresAt ?? Infinity) > (b.expiresAt ?? Infinity);
}

/**
 * The grants of `host:port` that ran out by `now` (the reason for a refusal says so), the
 * latest first.
 */
export function expiredGrants(
  grants: readonly CompiledGrant[],
  host: string,
  port: number,
  now: number,
): CompiledGrant[] {
  return grants
    .filter((g) => g.host === host && (g.port === null || g.port === port) && !isLive(g, now))
    .sort((a, b) => (b.expiresAt ?? 0) - (a.expiresAt ?? 0));
}

export function allowanceOf(grant: CompiledGrant): GrantAllowance {
  return { request: grant.request, pathPrefix: grant.pathPrefix, expiresAt: grant.expiresAt };
}
