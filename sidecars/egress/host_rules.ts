/**
 * Host rules for egress: `example.com` matches exactly that host, `*.example.com` matches
 * its subdomains only (not the apex), a bare `*` matches everything and is valid in `deny`
 * only. A rule may end in `:PORT` to match one port. Hosts are canonicalised first (case,
 * trailing dot, IDN, numeric IPv4 shorthand such as `2130706433` or `0x7f.1`).
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

/** Canonical form of a hostname or IP literal, or null when it is not a valid host. */
export function canonicalHost(host: string): string | null {
  const trimmed = host.trim();
  if (trimmed === "" || /[\s/?#@\\]/.test(trimmed)) return null;
  let hostname: string;
  try {
    hostname = new URL(`http://${trimmed}/`).hostname;
  } catch {
    return null;
  }
  if (hostname === "") return null;
  return hostname.replace(/\.$/, "").toLowerCase();
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
  const match = /^(.*?)(?::(\d+))?$/.exec(text.startsWith("[") ? text : text);
  const bracketed = /^(\[[^\]]+\])(?::(\d+))?$/.exec(text);
  const host = bracketed ? bracketed[1] : match?.[1] ?? text;
  const portText = bracketed ? bracketed[2] : match?.[2];
  if (!bracketed && host.includes(":")) {
    throw new HostRuleError(`"${text}": write IPv6 addresses in brackets`, hint);
  }
  if (portText === undefined) return { host, port: null };
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new HostRuleError(`"${text}": port must be 1–65535`, hint);
  }
  return { host, port };
}

export function isIpLiteral(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith("[");
}

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
