import { assertEquals, assertThrows } from "../tests/assert.ts";
import { parseToml, renderToml, tomlKey, tomlString, type TomlTable } from "./toml.ts";

Deno.test("toml: strings escape quotes, backslashes and every control character", () => {
  assertEquals(tomlString(`a "b" \\c`), String.raw`"a \"b\" \\c"`);
  assertEquals(tomlString("1\n2\t3\r\b\f"), String.raw`"1\n2\t3\r\b\f"`);
  assertEquals(tomlString("\u0000\u001b\u007f"), String.raw`"\u0000\u001b\u007f"`);
  assertEquals(tomlString("é 😀 \u2028"), '"é 😀 \u2028"');
});

Deno.test("toml: keys are bare only when TOML allows it", () => {
  assertEquals(tomlKey("mcp_servers"), "mcp_servers");
  assertEquals(tomlKey("issue-tracker2"), "issue-tracker2");
  assertEquals(tomlKey("/workspace"), '"/workspace"');
  assertEquals(tomlKey("a.b"), '"a.b"');
  assertEquals(tomlKey(""), '""');
});

// The text is pinned: it is config.toml's, recorded in agent_home's inputs (see toml.ts).
Deno.test("toml: own keys first, then sub-tables as sections; empty tables still exist", () => {
  const text = renderToml({
    model_provider: "p",
    check: false,
    limit: 3,
    ratio: 0.5,
    analytics: { enabled: false },
    projects: { "/workspace": { trust_level: "trusted" } },
    mcp_servers: {
      echo: { command: "/usr/bin/node", args: ["a b", 'q"'], env: { K: "v" } },
      empty: {},
    },
  });
  assertEquals(
    text,
    [
      'model_provider = "p"',
      "check = false",
      "limit = 3",
      "ratio = 0.5",
      "",
      "[analytics]",
      "enabled = false",
      "",
      '[projects."/workspace"]',
      'trust_level = "trusted"',
      "",
      "[mcp_servers.echo]",
      'command = "/usr/bin/node"',
      'args = ["a b", "q\\""]',
      "",
      "[mcp_servers.echo.env]",
      'K = "v"',
      "",
      "[mcp_servers.empty]",
      "",
    ].join("\n"),
  );
});

Deno.test("toml: an empty document, and numbers TOML cannot hold", () => {
  assertEquals(renderToml({}), "\n");
  assertThrows(() => renderToml({ n: Number.NaN }), /not a finite number/);
});

/** A config shaped as resources/codex_config.ts makes one, with every awkward value in it. */
const CODEX_LIKE: TomlTable = {
  developer_instructions: 'Be careful.\n"quoted" \\ back\tslash \u0000\u001b\u007f é \u2028 😀\r\n',
  model_provider: "bot-bottle-openai",
  check_for_update_on_startup: false,
  limit: 3,
  ratio: -0.5,
  nothing: [],
  analytics: { enabled: false },
  features: { plugins: false, daemon_auto_start: false },
  skills: { bundled: { enabled: false } },
  projects: { "/workspace": { trust_level: "trusted" } },
  tui: { screen_reader_detection_done: true, model_availability_nux: { "gpt-6.1-sol": 4 } },
  model_providers: {
    "bot-bottle-openai": {
      name: "OpenAI",
      base_url: "https://api.openai.com/v1",
      env_key: "OPENAI_API_KEY",
      wire_api: "responses",
    },
  },
  mcp_servers: {
    echo: { command: "/usr/bin/node", args: ["a b", 'q"', "", "\\"], env: { K: "v", "A.B": "é" } },
    web: { url: "http://127.0.0.1:8080/mcp" },
    "": {},
    "é": { x: 1 },
    empty: {},
  },
};

Deno.test("toml: what renderToml writes, smol-toml reads back as the same document", () => {
  assertEquals(parseToml(renderToml(CODEX_LIKE)), CODEX_LIKE);
  assertEquals(parseToml(renderToml({})), {});
});
