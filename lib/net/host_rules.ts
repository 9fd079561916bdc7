/**
 * Host rules (the manifest's `egress.allow` and `egress.deny`, which the egress proxy
 * enforces): `example.com` matches exactly that host, `*.example.com` matches its subdomains
 * only (not the apex), a bare `*` matches everything and is valid in `deny` only. A rule may
 * end in `:PORT` to match one port. Hosts are canonicalised first (case, trailing dot, IDN,
 * numeric IPv4 shorthand such as `2130706433` or `0x7f.1`).
 */

export type HostRuleList = "allow" | "deny";

export interface HostRule {
  /** The rule as written. */
  text: string;
  kind: "any" | "exact" | "subdomains";
  /** Canonical host (`exact`) or parent domain (`subdomains`); empty for `any`. */
  host: string;
  /** null matches every port. */
  port: number | null;
}

export class HostRuleError extends Error {
  override name = "HostRuleError";
  constructor(message: string, readonly hint: string) {
    super(message);
  }
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * Canonical form of a hostname or IP literal, or null when it is not a valid host.
 * Names come out lower-case, punycoded, without a trailing dot; IPv4 in dotted decimal;
 * IPv6 compressed and in brackets (`[::1]`). A bare IPv6 address is accepted too.
 * Ports are not part of a host: `example.com:443` is not valid here.
 */
export function canonicalHost(host: string): string | null {
  let text = host.trim();
  if (text === "" || text.length > 300 || /[\s/?#@\\%*]/.test(text)) return null;
  if (!text.startsWith("[") && text.includes(":")) text = `[${text}]`;
  if (text.startsWith("[") !== text.endsWith("]")) return null;
  let hostname: string;
  try {
    hostname = new URL(`http://${text}/`).hostname;
  } catch {
    return null;
  }
  if (hostname.startsWith("[")) return hostname;
  if (hostname.endsWith(".")) hostname = hostname.slice(0, -1);
  if (hostname === "" || hostname.length > 253) return null;
  if (IPV4.test(hostname)) return hostname;
  return hostname.split(".").every((label) => LABEL.test(label)) ? hostname : null;
}

export function parseHostRule(text: string, list: HostRuleList): HostRule {
  const hint = "write `example.com`, `*.example.com` (subdomains only) or `example.com:443`";
  if (text.trim() !== text || text === "") {
    throw new HostRuleError(`host rule ${JSON.stringify(text)} is empty or has spaces`, hint);
  }
  if (text.includes("://") || text.includes("/")) {
    throw new HostRuleError(`host rule "${text}" must be a host, not a URL`, hint);
  }
  if (text === "*") {
    if (list !== "deny") {
      throw new HostRuleError(
        'a bare "*" is only valid in deny',
        "list the hosts the bottle may reach instead",
      );
    }
    return { text, kind: "any", host: "", port: null };
  }
  const { host: rawHost, port } = splitPort(text, hint);
  const subdomains = rawHost.startsWith("*.");
  const name = subdomains ? rawHost.slice(2) : rawHost;
  if (name.includes("*")) {
    throw new HostRuleError(`"*" may only appear as a leading "*." in "${text}"`, hint);
  }
  const host = canonicalHost(name);
  if (host === null) throw new HostRuleError(`"${text}" is not a valid host`, hint);
  if (subdomains && isIpLiteral(host)) {
    throw new HostRuleError(`"${text}": an IP address has no subdomains`, hint);
  }
  return { text, kind: subdomains ? "subdomains" : "exact", host, port };
}

function splitPort(text: string, hint: string): { host: string; port: number | null } {
  const bracketed = /^(\[[^\]]*\])(?::([^:]*))?$/.exec(text);
  let host: string;
  let portText: string | undefined;
  if (bracketed) {
    [, host, portText] = bracketed;
  } else {
    const parts = text.split(":");
    if (parts.length > 2) {
      throw new HostRuleError(`"${text}": write IPv6 addresses in brackets`, hint);
    }
    [host, portText] = parts;
  }
  if (portText === undefined) return { host, port: null };
  const port = parsePort(portText);
  if (port === null) throw new HostRuleError(`"${text}": port must be 1–65535`, hint);
  return { host, port };
}

/** A decimal port 1–65535, or null. */
export function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : null;
}

/** True for a canonical IPv4 (`1.2.3.4`) or bracketed IPv6 (`[::1]`) host. */
export function isIpLiteral(host: string): boolean {
  return IPV4.test(host) || host.startsWith("[");
}

/** `host` must be canonical (see canonicalHost). */
export function ruleMatches(rule: HostRule, host: string, port: number): boolean {
  if (rule.port !== null && rule.port !== port) return false;
  switch (rule.kind) {
    case "any":
      return true;
    case "exact":
      return host === rule.host;
    case "subdomains":
      return host.endsWith(`.${rule.host}`);
  }
}
