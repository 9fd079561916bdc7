import { assertEquals, assertThrows } from "../tests/assert.ts";
import { renderToml, tomlKey, tomlString } from "./toml.ts";

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
