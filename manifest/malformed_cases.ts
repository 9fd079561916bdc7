/** Malformed manifests whose problem is in their meaning, not their shape (malformed_test.ts). */

export interface Case {
  name: string;
  /** Frontmatter YAML of `bottles/bad.md`, or of `agents/bad.md` when `agent` is set. */
  yaml?: string;
  agent?: boolean;
  /** The whole file instead of a frontmatter. */
  text?: string;
  where: string;
  message: string;
}

export const semanticCases: Case[] = [
  {
    name: "enum typo gets a suggestion",
    yaml: "backend: dokcer",
    where: "bottles/bad.md:2:10",
    message: "not `dokcer`; did you mean `docker`?",
  },
  {
    name: "provider typo gets a suggestion",
    yaml: "provider: cladue\nbottle: dev",
    agent: true,
    where: "agents/bad.md:2:11",
    message: "did you mean `claude`?",
  },
  {
    name: "empty egress block",
    yaml: "egress:",
    where: "bottles/bad.md:2:1",
    message: "`egress` is empty",
  },
  {
    name: "empty git_user mapping",
    yaml: "git_user: {}",
    where: "bottles/bad.md:2:11",
    message: "`git_user` is empty",
  },
  {
    name: "null git_user",
    yaml: "backend: bwrap\ngit_user:",
    where: "bottles/bad.md:3:1",
    message: "`git_user` is empty",
  },
  {
    name: "invalid env name",
    yaml: "env:\n  MY-VAR: x",
    where: "bottles/bad.md:3:3",
    message: "`MY-VAR` is not a valid environment variable name",
  },
  {
    name: "secret-shaped env value",
    yaml: "env:\n  GH: ghp_0123456789abcdef",
    where: "bottles/bad.md:3:7",
    message: "looks like a secret written inline",
  },
  {
    name: "inline route secret",
    yaml: "egress:\n  routes:\n    - host: a.com\n      auth: {scheme: bearer, secret: sk-123}",
    where: "bottles/bad.md:5:38",
    message: "secrets must never be written inline",
  },
  {
    name: "inline git credential",
    yaml: "git:\n  github.com:\n    remote: git@github.com:org/r.git\n    credential: hunter2",
    where: "bottles/bad.md:5:17",
    message: "secrets must never be written inline",
  },
  {
    name: "secret with both env and file",
    yaml: "egress:\n  routes:\n    - host: a.com\n      auth:\n        scheme: basic\n" +
      "        secret: {env: A, file: /k}",
    where: "bottles/bad.md:7:17",
    message: "exactly one of `env` or `file`",
  },
  {
    name: "secret with neither env nor file",
    yaml: "git:\n  github.com:\n    remote: git@github.com:org/r.git\n    credential: {}",
    where: "bottles/bad.md:5:17",
    message: "exactly one of `env` or `file`",
  },
  {
    name: "secret env is not a variable name",
    yaml:
      "git:\n  github.com:\n    remote: git@github.com:org/r.git\n    credential: {env: 1TOKEN}",
    where: "bottles/bad.md:5:23",
    message: "`1TOKEN` is not a valid environment variable name",
  },
  {
    name: "unknown key in a secret",
    yaml:
      "git:\n  github.com:\n    remote: git@github.com:org/r.git\n    credential: {env: T, vault: x}",
    where: "bottles/bad.md:5:26",
    message: 'unknown key `vault` in `git["github.com"].credential`',
  },
  {
    name: "header scheme without header",
    yaml: "egress:\n  routes:\n    - host: a.com\n      auth:\n        scheme: header\n" +
      "        secret: {env: T}",
    where: "bottles/bad.md:6:9",
    message: "scheme `header` needs a `header` name",
  },
  {
    name: "header with another scheme",
    yaml: "egress:\n  routes:\n    - host: a.com\n      auth:\n        scheme: bearer\n" +
      "        header: X-Key\n        secret: {env: T}",
    where: "bottles/bad.md:7:9",
    message: "`header` is only used with scheme `header`",
  },
  {
    name: "passthrough route with auth",
    yaml: "egress:\n  routes:\n    - host: a.com\n      passthrough: true\n" +
      "      auth: {scheme: bearer, secret: {env: T}}",
    where: "bottles/bad.md:6:7",
    message: "a passthrough route cannot have `auth`",
  },
  {
    name: "passthrough route with path_prefix",
    yaml: "egress:\n  routes:\n    - {host: a.com, passthrough: true, path_prefix: /v1}",
    where: "bottles/bad.md:4:40",
    message: "a passthrough route cannot have `path_prefix`",
  },
  {
    name: "path_prefix without a slash",
    yaml: "egress:\n  routes:\n    - host: a.com\n      path_prefix: v1",
    where: "bottles/bad.md:5:20",
    message: '`path_prefix` must start with "/"',
  },
  {
    name: "upstream is not http(s)",
    yaml: "egress:\n  routes:\n    - host: a.com\n      upstream: ftp://gw.example.com",
    where: "bottles/bad.md:5:17",
    message: "`upstream` must be an http(s) origin",
  },
  {
    name: "upstream has a path",
    yaml: "egress:\n  routes:\n    - host: a.com\n      upstream: https://gw.example.com/v1",
    where: "bottles/bad.md:5:17",
    message: "`upstream` must be an http(s) origin",
  },
  {
    name: "route host with a wildcard",
    yaml: 'egress:\n  routes:\n    - host: "*.example.com"',
    where: "bottles/bad.md:4:13",
    message: "a route's `host` must be one exact host",
  },
  {
    name: "route host is a URL",
    yaml: "egress:\n  routes:\n    - host: https://example.com",
    where: "bottles/bad.md:4:13",
    message: '"https://example.com"',
  },
  {
    name: "route without host",
    yaml: "egress:\n  routes:\n    - path_prefix: /v1",
    where: "bottles/bad.md:4:7",
    message: "missing required key `host` in `egress.routes[0]`",
  },
  {
    name: "typo in a route key",
    yaml: "egress:\n  routes:\n    - host: a.com\n      pasthrough: true",
    where: "bottles/bad.md:5:7",
    message: "unknown key `pasthrough` in `egress.routes[0]`; did you mean `passthrough`?",
  },
  {
    name: "duplicate route",
    yaml: "egress:\n  routes:\n    - host: a.com\n    - host: A.com",
    where: "bottles/bad.md:5:7",
    message: "duplicate route for `a.com`",
  },
  {
    name: "bare * in allow",
    yaml: 'egress:\n  allow: ["*"]',
    where: "bottles/bad.md:3:11",
    message: '"*"',
  },
  {
    name: "deny rule with a space",
    yaml: "egress:\n  deny:\n    - exa mple.com",
    where: "bottles/bad.md:4:7",
    message: '"exa mple.com"',
  },
  {
    name: "git key is not an upstream name",
    yaml: 'git:\n  "*.github.com":\n    remote: git@github.com:org/r.git',
    where: "bottles/bad.md:3:3",
    message: "`*.github.com` is not an upstream name",
  },
  {
    name: "git remote is not a URL",
    yaml: "git:\n  app: {remote: r}",
    where: "bottles/bad.md:3:17",
    message: '"r" is not a git remote URL',
  },
  {
    name: "git remote over git://",
    yaml: "git:\n  app: {remote: 'git://github.com/org/r.git'}",
    where: "bottles/bad.md:3:17",
    message: "git:// is not supported",
  },
  {
    name: "an SSH upstream's key from env",
    yaml: "git:\n  app:\n    remote: git@github.com:org/r.git\n    credential: {env: KEY}",
    where: "bottles/bad.md:5:17",
    message: "an SSH upstream's credential is a private key file",
  },
  {
    name: "a branch pattern with refs/heads/",
    yaml:
      "git:\n  app:\n    remote: git@github.com:org/r.git\n    protected_branches: [refs/heads/main]",
    where: "bottles/bad.md:5:26",
    message: "`refs/heads/main` is not a branch pattern",
  },
  {
    name: "git upstream without remote",
    yaml: "git:\n  github.com:\n    protected_branches: [main]",
    where: "bottles/bad.md:4:5",
    message: 'missing required key `remote` in `git["github.com"]`',
  },
  {
    name: "empty git remote",
    yaml: 'git:\n  github.com:\n    remote: ""',
    where: "bottles/bad.md:4:13",
    message: '`git["github.com"].remote` must not be empty',
  },
  {
    name: "supervise without enabled",
    yaml: "supervise: {}",
    where: "bottles/bad.md:2:12",
    message: "missing required key `enabled` in `supervise`",
  },
  {
    name: "supervise wait_seconds out of range",
    yaml: "supervise: {enabled: true, wait_seconds: 0}",
    where: "bottles/bad.md:2:42",
    message: "`supervise.wait_seconds`",
  },
  {
    name: "supervise unknown kind",
    yaml: "supervise:\n  enabled: true\n  kinds: [egress, root]",
    where: "bottles/bad.md:4:19",
    message: "`supervise.kinds[1]`",
  },
  {
    name: "duplicate YAML key",
    yaml: "backend: bwrap\nenv: {A: a}\nbackend: docker",
    where: "bottles/bad.md:4:1",
    message: "Map keys must be unique",
  },
  {
    name: "unclosed quote",
    yaml: 'backend: "bwrap',
    where: "bottles/bad.md:2:16",
    message: "invalid YAML: Missing closing",
  },
  {
    name: "tab indentation",
    yaml: "env:\n\tA: b",
    where: "bottles/bad.md:3:1",
    message: "invalid YAML",
  },
  {
    name: "frontmatter is a list",
    yaml: "- backend: bwrap",
    where: "bottles/bad.md:2:1",
    message: "the frontmatter of a bottle must be a mapping",
  },
  {
    name: "no frontmatter",
    text: "# bad\n",
    where: "bottles/bad.md:1:1",
    message: "missing YAML frontmatter",
  },
  {
    name: "unterminated frontmatter",
    text: "---\nbackend: bwrap\n\n# notes\n",
    where: "bottles/bad.md:1:1",
    message: "never closed",
  },
  {
    name: "agent with empty frontmatter",
    yaml: "",
    agent: true,
    where: "agents/bad.md:1:1",
    message: "missing required key `provider` in agent",
  },
  {
    name: "agent naming a missing bottle",
    yaml: "provider: codex\nbottle: deev",
    agent: true,
    where: "agents/bad.md:3:9",
    message: "uses bottle `deev`, which does not exist; did you mean `dev`?",
  },
  {
    name: "extends a missing bottle",
    yaml: "extends: base",
    where: "bottles/bad.md:2:10",
    message: "extends `base`, which does not exist",
  },
];
