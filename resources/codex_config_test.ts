import { assertEquals, assertMatch } from "../tests/assert.ts";
import {
  CODEX_PROVIDER_ID,
  codexConfig,
  codexConfigToml,
  codexMcpServers,
} from "./codex_config.ts";
import { parseToml } from "../lib/toml.ts";

Deno.test("codex config: our own provider entry for api.openai.com, keyed by the placeholder", () => {
  const config = codexConfig({ keyEnv: "OPENAI_API_KEY", prompt: "Be careful.\n", servers: {} });
  assertEquals(config.developer_instructions, "Be careful.\n");
  assertEquals(config.model_provider, CODEX_PROVIDER_ID);
  assertEquals(config.model_providers, {
    [CODEX_PROVIDER_ID]: {
      name: "OpenAI",
      base_url: "https://api.openai.com/v1",
      env_key: "OPENAI_API_KEY",
      wire_api: "responses",
    },
  });
  assertEquals(config.check_for_update_on_startup, false);
  assertEquals(config.analytics, { enabled: false });
  assertEquals(config.features, { plugins: false, daemon_auto_start: false });
  assertEquals(config.skills, { bundled: { enabled: false } });
  assertEquals(config.projects, { "/workspace": { trust_level: "trusted" } });
});

Deno.test("codex config: MCP servers as stdio commands or URLs", () => {
  assertEquals(
    codexMcpServers({
      tracker: { command: ["/usr/bin/node", "/workspace/t.js", "--x"], env: { TOKEN_FILE: "/f" } },
      bare: { command: ["/usr/bin/srv"], env: {} },
      web: { url: "http://127.0.0.1:8080/mcp" },
    }),
    {
      tracker: {
        command: "/usr/bin/node",
        args: ["/workspace/t.js", "--x"],
        env: { TOKEN_FILE: "/f" },
      },
      bare: { command: "/usr/bin/srv", args: [] },
      web: { url: "http://127.0.0.1:8080/mcp" },
    },
  );
});

Deno.test("codex config: the rendered file quotes what TOML needs quoted", () => {
  const text = codexConfigToml({
    keyEnv: "OPENAI_API_KEY",
    prompt: 'Say "hi".\n',
    servers: { echo: { command: ["/usr/bin/node", 'a "b".mjs'], env: { TAG: "x\ny" } } },
  });

  assertMatch(text, /^# Written by bot-bottle.*\ndeveloper_instructions = "Say \\"hi\\"\.\\n"\n/);
  assertMatch(text, /\n\[projects\."\/workspace"\]\ntrust_level = "trusted"\n/);
  assertMatch(text, /\n\[model_providers\.bot-bottle-openai\]\nname = "OpenAI"\n/);
  assertMatch(
    text,
    /\n\[mcp_servers\.echo\]\ncommand = "\/usr\/bin\/node"\nargs = \["a \\"b\\"\.mjs"\]\n/,
  );
  assertMatch(text, /\n\[mcp_servers\.echo\.env\]\nTAG = "x\\ny"\n/);
});

Deno.test("codex config: the rendered file reads back as the config (smol-toml)", () => {
  const inputs = {
    keyEnv: "OPENAI_API_KEY",
    prompt: 'Say "hi".\n',
    servers: { echo: { command: ["/usr/bin/node", 'a "b".mjs'], env: { TAG: "x\ny" } } },
  };
  assertEquals(parseToml(codexConfigToml(inputs)), codexConfig(inputs));
});
