/**
 * The validated, `extends`-resolved shape of manifests. `schema.ts` validates YAML
 * frontmatter into exactly these types; the compiler consumes only these.
 */

export type BackendName = "bwrap" | "docker" | "smolvm";
export type AgentProvider = "claude" | "codex";
export type AuthScheme = "bearer" | "x-api-key" | "basic" | "header";

/** Where the operator keeps a real secret. Read at apply time; never copied into a bottle. */
export interface SecretSource {
  /** Name of an environment variable of the operator running `apply`. */
  env?: string;
  /** Path of a file (`~` expands to the operator's home). */
  file?: string;
}

export interface RouteAuth {
  scheme: AuthScheme;
  /** Header name; required when scheme is `header`. */
  header?: string;
  secret: SecretSource;
  /**
   * The variable in the agent's environment that holds the placeholder for this secret;
   * default: `secret.env`. The agent never sees the real value.
   */
  agent_env?: string;
}

export interface EgressRoute {
  host: string;
  /** Only requests whose path starts with this prefix match the route. */
  path_prefix?: string;
  auth?: RouteAuth;
  /** Relay TLS untouched instead of intercepting it (host rules still apply). */
  passthrough: boolean;
  /** Send matching requests to this origin instead (e.g. a company LLM gateway). */
  upstream?: string;
  /** Extra CA (PEM file) trusted for this route's upstream. */
  upstream_ca_file?: string;
}

export interface DlpRuleSettings {
  action?: "block" | "warn";
  /** Hosts this rule does not apply to (`example.com`, `*.example.com`). */
  exempt_hosts?: string[];
}

/** Settings for data-loss prevention on everything that leaves the bottle. */
export interface DlpSpec {
  /** Larger request bodies (after decoding) are blocked. Default 64 MiB. */
  max_body_bytes?: number;
  /** Per-rule action and host exemptions, keyed by rule id. */
  rules?: Record<string, DlpRuleSettings>;
}

export interface EgressSpec {
  /** Host rules: `example.com` exact, `*.example.com` subdomains only, optional `:port`. */
  allow: string[];
  /** Checked before `allow`; bare `*` is allowed here only. */
  deny: string[];
  routes: EgressRoute[];
  dlp?: DlpSpec;
}

/** What a push through the gate may do (see README "Git gate"); absent keys take defaults. */
export interface GitPushSpec {
  /** Branch globs a push may create or update; default `["**"]` (any not protected). */
  branches?: string[];
  /** Branch globs where a non-fast-forward push is allowed; default none. */
  force?: string[];
  /** Branch globs that may be deleted; default none. */
  delete?: string[];
  /** Whether new tags may be pushed; default false. */
  tags?: boolean;
  /** Path globs no pushed commit may touch, e.g. `.github/workflows/**`. */
  protected_paths?: string[];
  /** The most bytes one push may send; default 100 MiB. */
  max_bytes?: number;
  /** Refuse commits whose author or committer is not the bottle's (or an agent's) identity. */
  require_identity?: boolean;
}

export interface GitUpstream {
  /** Remote URL the gate fetches from and pushes to. */
  remote: string;
  /** SSH: a private key file; https: a token (env or file). */
  credential?: SecretSource;
  /** https: the user name sent with the token; default `x-access-token`. */
  username?: string;
  /** SSH: pinned host keys (known_hosts lines); default the operator's `~/.ssh/known_hosts`. */
  known_hosts?: string;
  protected_branches: string[];
  push?: GitPushSpec;
}

export interface GitUser {
  name?: string;
  email?: string;
}

export type SuperviseKind = "egress" | "git" | "ask";

/** `supervise:` with its defaults filled in (see manifest/supervise_schema.ts). */
export interface SuperviseSpec {
  enabled: boolean;
  /** How long a tool call waits for a decision before answering "pending, id N". */
  wait_seconds: number;
  kinds: SuperviseKind[];
  /** At most this many of the bottle's requests pending at once. */
  max_pending: number;
  /** At most this many new requests of the bottle per rolling hour. */
  per_hour: number;
  /** Run on each new request (argv, the request as JSON on stdin). */
  notify?: string[];
}

/** `limits:` with defaults filled in (see manifest/limits_schema.ts). */
export interface SandboxLimits {
  /** Docker's syntax: bytes, or with a k, m or g suffix. */
  memory: string;
  cpus: number;
  pids: number;
}

/** Where in a file a manifest value came from (1-based). */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export interface BottleManifest {
  name: string;
  file: string;
  backend: BackendName;
  env: Record<string, string>;
  egress: EgressSpec;
  /** Upstreams by name, e.g. `app` (the gate serves it as `/app.git`). */
  git: Record<string, GitUpstream>;
  git_user?: GitUser;
  supervise: SuperviseSpec;
  limits: SandboxLimits;
  /** The operator's git checkout the workspace is seeded from (absolute, real path). */
  workspace?: string;
  /** Names of the bottles this one extends, nearest parent first. */
  extends_chain: string[];
  /** Markdown body: free-form notes for humans. */
  notes: string;
}

/** An MCP server registered with an agent's CLI: a stdio command, or an HTTP endpoint. */
export type McpServer =
  | { command: string[]; env: Record<string, string> }
  /** `tool_timeout_sec`: how long the CLI waits for one tool call (Codex; set for supervise). */
  | { url: string; tool_timeout_sec?: number };

/** A skill directory of the operator's (holding `SKILL.md`), copied into the agent's CLI. */
export interface SkillSource {
  /** The directory's name: the skill's name. */
  name: string;
  /** Absolute path on the operator's machine. */
  path: string;
}

export interface AgentManifest {
  name: string;
  file: string;
  provider: AgentProvider;
  bottle: string;
  skills: SkillSource[];
  /** Overrides the bottle's `git_user` for this agent's commits. */
  gitUser?: GitUser;
  mcpServers: Record<string, McpServer>;
  /** Overrides the template's interactive command line (`bottle attach`). */
  attachCommand?: string[];
  /** Overrides the template's unattended command line (`bottle run`). */
  runCommand?: string[];
  /** The Markdown body: the agent's prompt. */
  prompt: string;
}

export interface Project {
  /** Absolute, real path of the manifest directory. */
  dir: string;
  bottles: Map<string, BottleManifest>;
  agents: Map<string, AgentManifest>;
}
