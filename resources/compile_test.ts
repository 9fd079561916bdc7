import { assert_, assertEquals } from "../tests/assert.ts";
import { canonicalJson } from "../lib/json.ts";
import type { BottleManifest } from "../manifest/types.ts";
import { testBottle, testCompileOptions } from "./testing.ts";
import { CODEX_TEMPLATE } from "../manifest/templates/codex.ts";
import { compileBottle } from "./compile.ts";

const REAL_VALUE = ["real", "secret", "value"].join("-");

function bottle(overrides: Partial<BottleManifest> = {}): BottleManifest {
  return testBottle({
    env: { EDITOR: "vi" },
    egress: {
      allow: ["api.example.com"],
      deny: [],
      routes: [
        {
          host: "api.example.com",
          passthrough: false,
          auth: { scheme: "bearer", secret: { env: "EXAMPLE_TOKEN" } },
        },
        {
          host: "files.example.com",
          path_prefix: "/v2",
          passthrough: false,
          auth: {
            scheme: "header",
            header: "X-Key",
            secret: { file: "~/k" },
            agent_env: "FILES_KEY",
          },
        },
        { host: "cdn.example.com", passthrough: true },
      ],
    },
    ...overrides,
  });
}

const options = testCompileOptions();

Deno.test("compile: one bottle is ten resources with stable ids and acyclic edges", () => {
  const nodes = compileBottle(bottle(), options);
  assertEquals(nodes.map((n) => n.id), [
    "bottle_dir.dev",
    "door.dev",
    "workspace.dev",
    "egress_policy.dev",
    "ca.dev",
    "trust_store.dev",
    "egress_secrets.dev",
    "sidecar_bundle.dev",
    "sandbox.dev",
    "gitconfig.dev",
  ]);
  const ids = new Set(nodes.map((n) => n.id));
  for (const node of nodes) {
    for (const dep of node.dependsOn) assert_(ids.has(dep), `${node.id} → ${dep}`);
  }
  assertEquals(compileBottle(bottle(), options), nodes);
});

Deno.test("compile: the agent gets placeholders; state inputs hold sources, never values", () => {
  const nodes = compileBottle(bottle(), options);
  const sandbox = nodes.find((n) => n.type === "sandbox")!;
  assertEquals((sandbox.inputs.env as Record<string, string>).EXAMPLE_TOKEN, "ph-api.example.com");
  assertEquals((sandbox.inputs.env as Record<string, string>).FILES_KEY, "ph-files.example.com");
  assertEquals(sandbox.inputs.trustDir, "/state/bottles/dev/trust");
  const secrets = nodes.find((n) => n.type === "egress_secrets")!;
  assertEquals(secrets.inputs.secrets, [
    {
      host: "api.example.com",
      scheme: "bearer",
      source: { env: "EXAMPLE_TOKEN" },
      placeholder: "ph-api.example.com",
      fingerprint: "fp-api.example.com",
    },
    {
      host: "files.example.com",
      path_prefix: "/v2",
      scheme: "header",
      header: "X-Key",
      source: { file: "~/k" },
      placeholder: "ph-files.example.com",
      fingerprint: "fp-files.example.com",
    },
  ]);
  for (const node of nodes) assert_(!canonicalJson(node.inputs).includes(REAL_VALUE));
});

Deno.test("compile: the manifest's own env wins over a placeholder of the same name", () => {
  const nodes = compileBottle(bottle({ env: { EXAMPLE_TOKEN: "mine" } }), options);
  const env = nodes.find((n) => n.type === "sandbox")!.inputs.env as Record<string, string>;
  assertEquals(env.EXAMPLE_TOKEN, "mine");
});

Deno.test("compile: a claude agent adds its CLI install, its home files and a read-only mount", () => {
  const agent = {
    name: "coder",
    file: "/p/agents/coder.md",
    provider: "claude" as const,
    bottle: "dev",
    skills: [],
    mcpServers: {},
    gitUser: { name: "Coder" },
    prompt: "Be careful.\n",
  };
  const nodes = compileBottle(bottle(), options, [agent]);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const cli = byId.get("agent_cli.dev.claude")!;
  assertEquals(cli.inputs.dir, "/cache/claude-code@2.1.330");
  const sandbox = byId.get("sandbox.dev")!;
  assert_(sandbox.dependsOn.includes("agent_cli.dev.claude"));
  assertEquals(sandbox.inputs.roBinds, [
    { host: "/cache/claude-code@2.1.330", inside: "/opt/bot-bottle/claude-code" },
  ]);
  assertEquals(sandbox.inputs.extraPath, ["/opt/bot-bottle/claude-code/node_modules/.bin"]);
  const env = sandbox.inputs.env as Record<string, string>;
  assertEquals(env.ANTHROPIC_API_KEY, "ph-api.anthropic.com");
  assertEquals(env.DISABLE_AUTOUPDATER, "1");
  const home = byId.get("agent_home.dev.coder")!;
  assertEquals(home.inputs.dir, ".bot-bottle/agents/coder");
  assertEquals(home.inputs.home, "/state/bottles/dev/home");
  assertEquals(home.inputs.files, { "prompt.md": "Be careful.\n" });
  assertEquals(home.inputs.prompt_file, "/home/agent/.bot-bottle/agents/coder/prompt.md");
  assertEquals(home.inputs.env, {
    CLAUDE_CONFIG_DIR: "/home/agent/.bot-bottle/agents/coder/claude",
    GIT_AUTHOR_NAME: "Coder",
    GIT_COMMITTER_NAME: "Coder",
  });
  const seeds = home.inputs.json_seeds as Record<
    string,
    { customApiKeyResponses: { approved: string[] } }
  >;
  assertEquals(seeds["claude/.claude.json"].customApiKeyResponses.approved, [
    "ph-api.anthropic.com".slice(-20),
  ]);
  assertEquals(byId.has("agent_skills.dev.coder"), false, "no skills, no skills resource");
  const gitconfig = byId.get("gitconfig.dev")!;
  assertEquals(gitconfig.inputs.path, "/state/bottles/dev/home/.gitconfig");
});

Deno.test("compile: a codex agent: static binary mapped, config.toml in its CODEX_HOME", () => {
  const agent = {
    name: "coder",
    file: "/p/agents/coder.md",
    provider: "codex" as const,
    bottle: "dev",
    skills: [],
    mcpServers: { echo: { command: ["/usr/bin/node", "/workspace/e.mjs"], env: {} } },
    prompt: "Be careful.\n",
  };
  const byId = new Map(compileBottle(bottle(), options, [agent]).map((n) => [n.id, n]));
  const cli = byId.get("agent_cli.dev.codex")!;
  assertEquals(cli.inputs.dir, "/cache/codex@0.169.0");
  const sandbox = byId.get("sandbox.dev")!;
  assertEquals(sandbox.inputs.roBinds, [
    { host: "/cache/codex@0.169.0", inside: "/opt/bot-bottle/codex" },
  ]);
  assertEquals(sandbox.inputs.extraPath, [`/opt/bot-bottle/codex/${CODEX_TEMPLATE.binDir}`]);
  assertEquals((sandbox.inputs.env as Record<string, string>).OPENAI_API_KEY, "ph-api.openai.com");
  const home = byId.get("agent_home.dev.coder")!;
  const files = home.inputs.files as Record<string, string>;
  assertEquals(Object.keys(files).sort(), ["codex/config.toml", "prompt.md"]);
  assertEquals(files["prompt.md"], "Be careful.\n");
  const config = files["codex/config.toml"];
  assert_(config.includes('developer_instructions = "Be careful.\\n"\n'));
  assert_(config.includes('[mcp_servers.echo]\ncommand = "/usr/bin/node"\n'));
  assertEquals(home.inputs.json_seeds, {});
  assertEquals(home.inputs.env, { CODEX_HOME: "/home/agent/.bot-bottle/agents/coder/codex" });
});

Deno.test("compile: the sidecar bundle's inputs are its spec (the test hook is no input)", () => {
  const bundle = compileBottle(bottle(), options).find((n) => n.type === "sidecar_bundle")!;
  assertEquals(bundle.inputs, {
    bottle: "dev",
    runDir: "/state/bottles/dev/run",
    policyFile: "/state/bottles/dev/policy.json",
    logDir: "/state/bottles/dev/logs",
    caDir: "/state/bottles/dev/ca",
    secretsFile: "/state/bottles/dev/secrets.json",
  });
});
