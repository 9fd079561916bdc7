/**
 * Policy routes: validation into a compiled form, and which route a request matches
 * (host exact, then the longest path prefix). Pure.
 */

import { canonicalHost, parsePort } from "../../../lib/net/mod.ts";
import type { PolicyRoute } from "./wire.ts";

export interface Origin {
  scheme: "http" | "https";
  /** Canonical (IPv6 in brackets). */
  host: string;
  port: number;
}

export interface CompiledRoute {
  /** Canonical host. */
  host: string;
  /** "" when the route covers every path. */
  pathPrefix: string;
  passthrough: boolean;
  /** The operator's origin override (`upstream`), or null. */
  upstream: Origin | null;
  /** `upstream_ca_file` as written (loaded into `upstreamCaPem` by the policy loader). */
  upstreamCaFile: string | null;
  upstreamCaPem: string | null;
  /** `host` + `pathPrefix`: names the route in reasons and audit lines. */
  id: string;
}

export function routeId(host: string, pathPrefix: string): string {
  return `${host}${pathPrefix}`;
}

/** Validates `routes` (untrusted JSON); problems are appended to `problems`. */
export function compileRoutes(value: unknown, problems: string[]): CompiledRoute[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push("routes must be an array");
    return [];
  }
  const routes: CompiledRoute[] = [];
  value.forEach((item: unknown, index) => {
    const where = `routes[${index}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      problems.push(`${where} must be an object`);
      return;
    }
    const route = item as Record<keyof PolicyRoute, unknown>;
    const host = typeof route.host === "string" ? canonicalHost(route.host) : null;
    const before = problems.length;
    if (host === null) problems.push(`${where}.host must be a valid host`);
    if (route.passthrough !== undefined && typeof route.passthrough !== "boolean") {
      problems.push(`${where}.passthrough must be a boolean`);
    }
    const prefix = route.path_prefix ?? "";
    if (typeof prefix !== "string" || (prefix !== "" && !prefix.startsWith("/"))) {
      problems.push(`${where}.path_prefix must start with "/"`);
    }
    let upstream: Origin | null = null;
    if (route.upstream !== undefined) {
      upstream = typeof route.upstream === "string" ? parseOrigin(route.upstream) : null;
      if (upstream === null) {
        problems.push(`${where}.upstream must be an http(s) origin (scheme://host[:port])`);
      }
    }
    for (const key of ["upstream_ca_file", "upstream_ca_pem"] as const) {
      if (route[key] !== undefined && typeof route[key] !== "string") {
        problems.push(`${where}.${key} must be a string`);
      }
    }
    if (problems.length > before || host === null) return;
    const pathPrefix = prefix as string;
    routes.push({
      host,
      pathPrefix,
      passthrough: route.passthrough === true,
      upstream,
      upstreamCaFile: (route.upstream_ca_file as string | undefined) ?? null,
      upstreamCaPem: (route.upstream_ca_pem as string | undefined) ?? null,
      id: routeId(host, pathPrefix),
    });
  });
  return routes;
}

/** `https://host[:port]` or `http://…`, nothing else (a trailing `/` is accepted). */
export function parseOrigin(text: string): Origin | null {
  const match = /^(https?):\/\/(\[[^\]]+\]|[^/:?#@[\]]+)(?::(\d+))?\/?$/i.exec(text);
  if (match === null) return null;
  const scheme = match[1].toLowerCase() as "http" | "https";
  const host = canonicalHost(match[2]);
  const port = match[3] === undefined ? (scheme === "https" ? 443 : 80) : parsePort(match[3]);
  if (host === null || port === null) return null;
  return { scheme, host, port };
}

/**
 * The route for a request to `host` with `path` (origin-form): longest prefix wins. A path
 * with dot segments (plain or percent-encoded) matches no prefixed route, since the server
 * may resolve it to a path outside the prefix.
 */
export function matchRoute(
  routes: readonly CompiledRoute[],
  host: string,
  path: string,
): CompiledRoute | null {
  let best: CompiledRoute | null = null;
  const dotted = hasDotSegment(path);
  for (const route of routes) {
    if (route.host !== host || !path.startsWith(route.pathPrefix)) continue;
    if (route.pathPrefix !== "" && dotted) continue;
    if (best === null || route.pathPrefix.length > best.pathPrefix.length) best = route;
  }
  return best;
}

/** CONNECT to `host` is relayed untouched when any of its routes says so. */
export function isPassthrough(routes: readonly CompiledRoute[], host: string): boolean {
  return routes.some((route) => route.host === host && route.passthrough);
}

/** Some request to `host` may go to the operator's `upstream` instead of the host itself. */
export function hasUpstreamOverride(routes: readonly CompiledRoute[], host: string): boolean {
  return routes.some((route) => route.host === host && route.upstream !== null);
}

/** The path (before any query) has a `.` or `..` segment, plain or percent-encoded. */
export function hasDotSegment(path: string): boolean {
  const bare = path.replace(/[?#].*$/s, "").replace(/%2e/gi, ".").replace(/%2f|%5c|\\/gi, "/");
  return bare.split("/").some((segment) => segment === "." || segment === "..");
}
