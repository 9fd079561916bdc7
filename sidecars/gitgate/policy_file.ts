/**
 * Reading `gate.json`: the shape check (pure) and the load, which also reads the token files
 * (tokens live only in this process's memory) and checks that every named file exists.
 */

import { join } from "node:path";
import { sha256Hex } from "../../lib/sha256.ts";
import { branchGlobProblem } from "./glob.ts";
import {
  GATE_POLICY_FILE,
  type GateCredential,
  type GateGrant,
  type GatePolicy,
  type GateUpstream,
} from "./wire.ts";

type Json = Record<string, unknown>;

function object(value: unknown, where: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${where} must be an object`);
  }
  return value as Json;
}

function string(value: unknown, where: string): string {
  if (typeof value !== "string" || value === "") {
    throw new Error(`${where} must be a non-empty string`);
  }
  return value;
}

function absolute(value: unknown, where: string): string {
  const path = string(value, where);
  if (!path.startsWith("/")) throw new Error(`${where} must be an absolute path`);
  return path;
}

function strings(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw new Error(`${where} must be a list of strings`);
  }
  return value as string[];
}

function credential(value: unknown, where: string): GateCredential {
  const c = object(value, where);
  switch (c.kind) {
    case "ssh-key":
      return {
        kind: "ssh-key",
        key_file: absolute(c.key_file, `${where}.key_file`),
        known_hosts_file: absolute(c.known_hosts_file, `${where}.known_hosts_file`),
      };
    case "token":
      return {
        kind: "token",
        token_file: absolute(c.token_file, `${where}.token_file`),
        username: string(c.username, `${where}.username`),
      };
    case "none":
      return c.known_hosts_file === undefined ? { kind: "none" } : {
        kind: "none",
        known_hosts_file: absolute(c.known_hosts_file, `${where}.known_hosts_file`),
      };
    default:
      throw new Error(`${where}.kind must be ssh-key, token or none`);
  }
}

function upstream(value: unknown, where: string): GateUpstream {
  const u = object(value, where);
  const name = string(u.name, `${where}.name`);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.includes("..") || name.endsWith(".git")) {
    throw new Error(`${where}.name "${name}" is not a valid upstream name`);
  }
  const p = object(u.push, `${where}.push`);
  const max = p.max_push_bytes;
  if (typeof max !== "number" || !Number.isSafeInteger(max) || max <= 0) {
    throw new Error(`${where}.push.max_push_bytes must be a positive integer`);
  }
  if (typeof p.tags !== "boolean") throw new Error(`${where}.push.tags must be true or false`);
  const identity = p.require_identity === undefined ? undefined : (() => {
    if (!Array.isArray(p.require_identity)) {
      throw new Error(`${where}.push.require_identity must be a list`);
    }
    return p.require_identity.map((item, i) => {
      const id = object(item, `${where}.push.require_identity[${i}]`);
      return {
        name: string(id.name, `${where}.push.require_identity[${i}].name`),
        email: string(id.email, `${where}.push.require_identity[${i}].email`),
      };
    });
  })();
  return {
    name,
    remote: string(u.remote, `${where}.remote`),
    host: string(u.host, `${where}.host`),
    mirror: absolute(u.mirror, `${where}.mirror`),
    credential: credential(u.credential, `${where}.credential`),
    push: {
      protected_branches: strings(p.protected_branches, `${where}.push.protected_branches`),
      branches: strings(p.branches ?? ["**"], `${where}.push.branches`),
      force: strings(p.force, `${where}.push.force`),
      delete: strings(p.delete, `${where}.push.delete`),
      tags: p.tags,
      protected_paths: strings(p.protected_paths, `${where}.push.protected_paths`),
      max_push_bytes: max,
      ...(identity === undefined ? {} : { require_identity: identity }),
    },
  };
}

/** One supervise grant: of a declared upstream, for a branch glob, maybe until a time. */
function grant(value: unknown, where: string, upstreams: ReadonlySet<string>): GateGrant {
  const g = object(value, where);
  const upstream = string(g.upstream, `${where}.upstream`);
  if (!upstreams.has(upstream)) {
    throw new Error(`${where}.upstream "${upstream}" is not a declared upstream`);
  }
  const branch = string(g.branch, `${where}.branch`);
  const problem = branchGlobProblem(branch);
  if (problem !== null) throw new Error(`${where}.branch ${problem}`);
  const expires = g.expires_at;
  if (
    expires !== undefined && (typeof expires !== "string" || !Number.isFinite(Date.parse(expires)))
  ) {
    throw new Error(`${where}.expires_at must be an ISO 8601 time`);
  }
  const request = g.request;
  if (typeof request !== "number" || !Number.isSafeInteger(request) || request < 1) {
    throw new Error(`${where}.request must be a positive integer`);
  }
  return {
    upstream,
    branch,
    ...(expires === undefined ? {} : { expires_at: expires as string }),
    request,
  };
}

/** Checks the parsed JSON of `gate.json`; throws saying what is wrong. */
export function parsePolicy(value: unknown): GatePolicy {
  const p = object(value, "gate.json");
  if (p.version !== 1) throw new Error("gate.json: version must be 1");
  if (!Array.isArray(p.upstreams)) throw new Error("gate.json: upstreams must be a list");
  const upstreams = p.upstreams.map((u, i) => upstream(u, `upstreams[${i}]`));
  const names = new Set<string>();
  const mirrors = new Set<string>();
  for (const u of upstreams) {
    if (names.has(u.name)) throw new Error(`gate.json: upstream "${u.name}" is declared twice`);
    if (mirrors.has(u.mirror)) throw new Error(`gate.json: mirror ${u.mirror} is used twice`);
    names.add(u.name);
    mirrors.add(u.mirror);
  }
  const cache = p.fetch_cache_seconds;
  if (typeof cache !== "number" || !(cache >= 0)) {
    throw new Error("gate.json: fetch_cache_seconds must be a number ≥ 0");
  }
  const dlp = object(p.dlp ?? {}, "gate.json: dlp");
  const rules: NonNullable<GatePolicy["dlp"]["rules"]> = {};
  for (const [id, rule] of Object.entries(object(dlp.rules ?? {}, "dlp.rules"))) {
    const r = object(rule, `dlp.rules.${id}`);
    if (r.action !== undefined && r.action !== "block" && r.action !== "warn") {
      throw new Error(`dlp.rules.${id}.action must be block or warn`);
    }
    rules[id] = {
      ...(r.action === undefined ? {} : { action: r.action }),
      ...(r.exempt_hosts === undefined
        ? {}
        : { exempt_hosts: strings(r.exempt_hosts, `dlp.rules.${id}.exempt_hosts`) }),
    };
  }
  if (p.grants !== undefined && !Array.isArray(p.grants)) {
    throw new Error("gate.json: grants must be a list");
  }
  const grants = (p.grants ?? []).map((g, i) => grant(g, `grants[${i}]`, names));
  if (p.supervise !== undefined && typeof p.supervise !== "boolean") {
    throw new Error("gate.json: supervise must be true or false");
  }
  return {
    version: 1,
    bottle: string(p.bottle, "gate.json: bottle"),
    upstreams,
    dlp: { rules },
    fetch_cache_seconds: cache,
    grants,
    supervise: p.supervise === true,
  };
}

export interface LoadedPolicy {
  policy: GatePolicy;
  /** Upstream name → its token (token credentials only). */
  tokens: Map<string, string>;
  /** sha256 (hex) of the policy file's text, reported in GATE_LOADED_FILE. */
  sha256: string;
}

function mustExist(path: string, what: string): void {
  try {
    Deno.statSync(path);
  } catch (error) {
    throw new Error(`${what} ${path}: ${(error as Error).message}`);
  }
}

export function loadPolicy(gateDir: string): LoadedPolicy {
  const file = join(gateDir, GATE_POLICY_FILE);
  let json: unknown;
  let text = "";
  try {
    text = Deno.readTextFileSync(file);
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  const policy = parsePolicy(json);
  const tokens = new Map<string, string>();
  for (const u of policy.upstreams) {
    const c = u.credential;
    if (c.kind === "token") {
      let token: string;
      try {
        token = Deno.readTextFileSync(c.token_file).trim();
      } catch (error) {
        throw new Error(`token file of upstream ${u.name}: ${(error as Error).message}`);
      }
      if (token === "" || /[\r\n]/.test(token)) {
        throw new Error(`token file of upstream ${u.name} must hold one non-empty line`);
      }
      tokens.set(u.name, token);
    } else if (c.kind === "ssh-key") {
      mustExist(c.key_file, `key file of upstream ${u.name}:`);
      mustExist(c.known_hosts_file, `known hosts file of upstream ${u.name}:`);
    } else if (c.known_hosts_file !== undefined) {
      mustExist(c.known_hosts_file, `known hosts file of upstream ${u.name}:`);
    }
  }
  return { policy, tokens, sha256: sha256Hex(text) };
}
