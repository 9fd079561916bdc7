/**
 * The git gate's wire format: the policy file the engine writes (`gate.json` in the bottle's
 * gate directory) and the daemon reads at start and again on SIGHUP. Declared here so the
 * gate depends on nothing of the engine; the engine's compiler must produce this shape.
 *
 * Layout of the gate directory (mode 0700, the operator's; never mapped into the sandbox):
 *   gate.json                 this policy
 *   mirrors/NAME.git          one bare mirror per upstream (the `git_mirror` resources)
 *   credentials/NAME.key      an SSH private key (0600), or
 *   credentials/NAME.token    an HTTPS token (0600)
 *   credentials/NAME.known_hosts   the pinned host keys for an SSH upstream (0600)
 *   hook.sock                 the daemon's socket for the mirrors' pre-receive hook
 * The agent reaches the daemon only through the door (`git.sock` in the run directory,
 * 127.0.0.1:3129 inside) as `http://127.0.0.1:3129/NAME.git`.
 */

/** How the gate authenticates to an upstream. Files hold the secrets; paths are not secret. */
export type GateCredential =
  | { kind: "ssh-key"; key_file: string; known_hosts_file: string }
  | { kind: "token"; token_file: string; username: string }
  | { kind: "none"; known_hosts_file?: string };

/**
 * Push rules. Patterns are git-ref globs over the branch name (without `refs/heads/`):
 * `*` matches within one `/`-separated segment, `**` across segments; tags are
 * `refs/tags/…` and follow `tags`.
 */
export interface GatePushPolicy {
  /** Branches no push may create, update or delete. */
  protected_branches: string[];
  /** Branches a push may create or update (default `["**"]`: any not protected). */
  branches: string[];
  /** Branches on which a non-fast-forward update is allowed. */
  force: string[];
  /** Branches that may be deleted. */
  delete: string[];
  /** Whether tags may be pushed (created only; never moved or deleted). */
  tags: boolean;
  /** Path globs (`.github/workflows/**`) no pushed commit may touch. */
  protected_paths: string[];
  /** The most bytes one push's request body may hold. */
  max_push_bytes: number;
  /**
   * When set, every pushed commit's author and committer must be one of these identities
   * (the bottle's and its agents' `git_user`).
   */
  require_identity?: { name: string; email: string }[];
}

/** DLP settings for the secret scan of pushed content (the egress proxy's rule ids). */
export interface GateDlpPolicy {
  /** Per-rule action and exemptions; an exemption names the upstream's host. */
  rules?: Record<string, { action?: "block" | "warn"; exempt_hosts?: string[] }>;
}

export interface GateUpstream {
  /** The name in the gate's URL path (`/NAME.git`) and in the manifest (`git: NAME:`). */
  name: string;
  /** The upstream URL as the manifest wrote it (`git@host:org/repo.git`, `ssh://…`, `https://…`). */
  remote: string;
  /** The upstream's host (for DLP exemptions and messages). */
  host: string;
  /** Absolute path of the bare mirror. */
  mirror: string;
  credential: GateCredential;
  push: GatePushPolicy;
}

export interface GatePolicy {
  version: 1;
  bottle: string;
  upstreams: GateUpstream[];
  dlp: GateDlpPolicy;
  /** Seconds a mirror refreshed from upstream is served without fetching again. */
  fetch_cache_seconds: number;
  /** Branch patterns a human granted through supervise, on top of `push.branches`. */
  grants?: GateGrant[];
  /** The bottle has supervise: a refused push tells the agent it may ask (request_git). */
  supervise?: boolean;
}

/**
 * One supervise grant: pushes to branches matching `branch` (a ref glob, as in
 * `push.branches`) on the upstream named `upstream` are allowed until `expires_at`.
 * Protected branches and protected paths still win; the gate checks the expiry per push.
 */
export interface GateGrant {
  upstream: string;
  branch: string;
  /** ISO 8601; absent: until revoked. */
  expires_at?: string;
  /** The supervise request it answers (named in the audit line). */
  request: number;
}

/** File names inside the gate directory. */
export const GATE_POLICY_FILE = "gate.json";
/**
 * Written by the daemon after each (re)load: the sha256 (hex) of the policy text in force.
 * The engine waits for it after a hot reload.
 */
export const GATE_LOADED_FILE = "gate.loaded";
export const GATE_HOOK_SOCKET = "hook.sock";
export const GATE_AUDIT_FILE = "git.jsonl";
/** The gate's socket in the run directory (the door), and its port inside the sandbox. */
export const GATE_SOCKET = "git.sock";
export const GATE_PORT = 3129;
