/**
 * Host names and IP addresses, shared by the manifest (which validates `egress.allow` and
 * `egress.deny`) and the egress proxy (which enforces them): canonical hosts, host rules
 * (`example.com`, `*.example.com`, `:PORT`) and the IP ranges that are not public. Imports
 * nothing of bot-bottle, so both can depend on it without depending on each other.
 */
export {
  canonicalHost,
  type HostRule,
  HostRuleError,
  type HostRuleList,
  isIpLiteral,
  parseHostRule,
  parsePort,
  ruleMatches,
} from "./host_rules.ts";
export { type IpAddress, isLoopback, nonPublicRange, parseIp } from "./ip_ranges.ts";
