/** The policy's `dlp` section, validated into the settings the DLP engine is built from. Pure. */

import type { DlpAction } from "../dlp/mod.ts";
import { HostRuleError, parseHostRule } from "../../../lib/net/mod.ts";

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface DlpSettings {
  rules: Record<string, { action?: DlpAction; exemptHosts?: string[] }>;
  maxBodyBytes: number;
}

export function compileDlpPolicy(value: unknown, problems: string[]): DlpSettings {
  const settings: DlpSettings = { rules: {}, maxBodyBytes: DEFAULT_MAX_BODY_BYTES };
  if (value === undefined) return settings;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push("dlp must be an object");
    return settings;
  }
  const record = value as Record<string, unknown>;
  const max = record.max_body_bytes;
  if (max !== undefined) {
    if (typeof max !== "number" || !Number.isSafeInteger(max) || max < 0) {
      problems.push("dlp.max_body_bytes must be a non-negative integer");
    } else {
      settings.maxBodyBytes = max;
    }
  }
  const rules = record.rules;
  if (rules === undefined) return settings;
  if (typeof rules !== "object" || rules === null || Array.isArray(rules)) {
    problems.push("dlp.rules must be an object keyed by rule id");
    return settings;
  }
  for (const [id, raw] of Object.entries(rules)) {
    const where = `dlp.rules[${JSON.stringify(id)}]`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      problems.push(`${where} must be an object`);
      continue;
    }
    const rule = raw as Record<string, unknown>;
    const out: { action?: DlpAction; exemptHosts?: string[] } = {};
    if (rule.action !== undefined) {
      if (rule.action !== "block" && rule.action !== "warn") {
        problems.push(`${where}.action must be "block" or "warn"`);
      } else {
        out.action = rule.action;
      }
    }
    if (rule.exempt_hosts !== undefined) {
      const hosts = rule.exempt_hosts;
      if (!Array.isArray(hosts) || !hosts.every((h) => typeof h === "string")) {
        problems.push(`${where}.exempt_hosts must be an array of host names`);
      } else {
        for (const host of hosts) {
          try {
            parseHostRule(host, "allow");
          } catch (error) {
            if (!(error instanceof HostRuleError)) throw error;
            problems.push(`${where}.exempt_hosts: ${error.message}`);
          }
        }
        out.exemptHosts = hosts as string[];
      }
    }
    settings.rules[id] = out;
  }
  return settings;
}
