import assert from "node:assert/strict";
import { parseManifest } from "./document.ts";
import { agentSchema, bottleSchema, type RawAgent, type RawBottle } from "./schema.ts";

function bottle(yaml: string, body = ""): RawBottle {
  const result = parseManifest("b.md", `---\n${yaml}\n---\n${body}`, bottleSchema, "bottle");
  if (!result.ok) assert.fail(result.errors.map((error) => error.format()).join("\n"));
  return result.manifest.data;
}

function agent(yaml: string): RawAgent {
  const result = parseManifest("a.md", `---\n${yaml}\n---\n`, agentSchema, "agent");
  if (!result.ok) assert.fail(result.errors.map((error) => error.format()).join("\n"));
  return result.manifest.data;
}

function messages(yaml: string): string[] {
  const result = parseManifest("b.md", `---\n${yaml}\n---\n`, bottleSchema, "bottle");
  assert.ok(!result.ok, "expected validation to fail");
  return result.errors.map((error) => `${error.line}:${error.col} ${error.message}`);
}

const FULL = `
backend: docker
extends: base
env:
  EDITOR: vi
  _X1: ""
egress:
  allow: [example.com, "*.npmjs.org", "example.org:8443"]
  deny: ["*.internal"]
  routes:
    - host: API.Example.com
      path_prefix: /v1/
      auth:
        scheme: header
        header: X-Api-Key
        secret: {file: ~/.keys/api}
      upstream: https://gw.example.com:8443/
      upstream_ca_file: /etc/ca.pem
    - host: tls.example.com
      passthrough: true
git:
  github.com:
    remote: https://github.com/org/repo.git
    credential: {env: GITHUB_TOKEN}
  gitlab.example.com:
    remote: git@gitlab.example.com:org/repo.git
    protected_branches: [main, release]
git_user: {email: bot@example.com}
supervise: {enabled: true}`;

Deno.test("a full bottle validates, with nested defaults and canonical hosts", () => {
  assert.deepEqual(bottle(FULL), {
    backend: "docker",
    extends: "base",
    env: { EDITOR: "vi", _X1: "" },
    egress: {
      allow: ["example.com", "*.npmjs.org", "example.org:8443"],
      deny: ["*.internal"],
      routes: [
        {
          host: "api.example.com",
          path_prefix: "/v1/",
          auth: { scheme: "header", header: "X-Api-Key", secret: { file: "~/.keys/api" } },
          passthrough: false,
          upstream: "https://gw.example.com:8443",
          upstream_ca_file: "/etc/ca.pem",
        },
        { host: "tls.example.com", passthrough: true },
      ],
    },
    git: {
      "github.com": {
        remote: "https://github.com/org/repo.git",
        credential: { env: "GITHUB_TOKEN" },
        protected_branches: [],
      },
      "gitlab.example.com": {
        remote: "git@gitlab.example.com:org/repo.git",
        protected_branches: ["main", "release"],
      },
    },
    git_user: { email: "bot@example.com" },
    supervise: { enabled: true },
  });
});

Deno.test("top-level bottle keys stay absent when not written, so extends can merge", () => {
  assert.deepEqual(bottle("backend: smolvm"), { backend: "smolvm" });
  assert.deepEqual(bottle(""), {});
  assert.deepEqual(bottle("egress: {}"), { egress: { allow: [], deny: [], routes: [] } });
});

Deno.test("every auth scheme is accepted", () => {
  for (const scheme of ["bearer", "x-api-key", "basic"]) {
    const raw = bottle(
      `egress:\n  routes:\n    - host: a.com\n      auth: {scheme: ${scheme}, secret: {env: T}}`,
    );
    assert.equal(raw.egress?.routes[0].auth?.scheme, scheme);
  }
});

Deno.test("routes on one host may differ by path_prefix", () => {
  const raw = bottle(
    "egress:\n  routes:\n    - {host: a.com, path_prefix: /v1}\n    - {host: a.com, path_prefix: /v2}",
  );
  assert.equal(raw.egress?.routes.length, 2);
});

Deno.test("git upstreams are keyed by name, several on one host", () => {
  const raw = bottle(
    "git:\n  app:\n    remote: git@github.com:org/app.git\n  lib:\n    remote: git@github.com:org/lib.git",
  );
  assert.deepEqual(Object.keys(raw.git ?? {}), ["app", "lib"]);
});

Deno.test("an agent validates with skills defaulting to empty", () => {
  assert.deepEqual(agent("provider: codex\nbottle: dev"), {
    provider: "codex",
    bottle: "dev",
    skills: [],
    mcp_servers: {},
  });
  assert.deepEqual(agent("provider: claude\nbottle: dev\nskills: [review]").skills, ["review"]);
});

Deno.test("all problems in one file are reported, each at its own position", () => {
  assert.deepEqual(messages("backend: vm\nenv:\n  A: 1\nsupervise: {enabled: 1}\nzzz: 1"), [
    "2:10 `backend` must be one of `bwrap`, `docker`, `smolvm`, not `vm`",
    "4:6 `env.A` must be a string, not a number",
    "5:22 `supervise.enabled` must be true or false, not a number",
    "6:1 unknown key `zzz` in bottle",
  ]);
});

Deno.test("an inline secret is refused without echoing it", () => {
  const result = parseManifest(
    "b.md",
    "---\ngit:\n  github.com:\n    remote: r\n    credential: ghp_abcdef123456\n---\n",
    bottleSchema,
    "bottle",
  );
  assert.ok(!result.ok);
  const text = result.errors.map((error) => error.format()).join("\n");
  assert.match(text, /b\.md:5:17: secrets must never be written inline/);
  assert.match(text, /\{env: NAME\}.*\{file: PATH\}/);
  assert.doesNotMatch(text, /ghp_abcdef123456/);
});

Deno.test("a secret-shaped env value is refused without echoing it", () => {
  const text = messages("env:\n  OPENAI_API_KEY: sk-proj-abc123").join("\n");
  assert.match(text, /^3:19 this value looks like a secret/);
  assert.doesNotMatch(text, /sk-proj-abc123/);
});

Deno.test("the body is trimmed", () => {
  const result = parseManifest("b.md", "---\n---\n\n  notes here \n\n", bottleSchema, "bottle");
  assert.ok(result.ok);
  assert.equal(result.manifest.body, "notes here");
});
