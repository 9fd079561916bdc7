import { assertEquals } from "../tests/assert.ts";
import type { AgentManifest, BottleManifest } from "../manifest/types.ts";
import { testBottle } from "./testing.ts";
import { CLAUDE_TEMPLATE } from "../manifest/templates/claude.ts";
import { fillArgv } from "../manifest/templates/types.ts";
import { templatesOf, withTemplates } from "./agent_templates.ts";

function bottle(egress: Partial<BottleManifest["egress"]> = {}): BottleManifest {
  return testBottle({
    env: { DISABLE_TELEMETRY: "0" },
    egress: { allow: ["example.com"], deny: [], routes: [], ...egress },
  });
}

function agent(provider: AgentManifest["provider"]): AgentManifest {
  return {
    name: "a",
    file: "/p/agents/a.md",
    provider,
    bottle: "dev",
    skills: [],
    mcpServers: {},
    prompt: "",
  };
}

Deno.test("agent templates: claude adds its host, its route and env; the manifest's env wins", () => {
  const merged = withTemplates(bottle(), templatesOf([agent("claude"), agent("claude")]));
  assertEquals(merged.egress.allow, ["example.com", "api.anthropic.com"]);
  assertEquals(merged.egress.routes, CLAUDE_TEMPLATE.egress.routes);
  assertEquals(merged.env.DISABLE_TELEMETRY, "0");
  assertEquals(merged.env.DISABLE_AUTOUPDATER, "1");
});

Deno.test("agent templates: a manifest route for the host wins over the template's", () => {
  const own = {
    host: "api.anthropic.com",
    passthrough: false,
    upstream: "http://127.0.0.1:9999",
    auth: { scheme: "x-api-key" as const, secret: { env: "MY_KEY" } },
  };
  const merged = withTemplates(
    bottle({ allow: ["api.anthropic.com"], routes: [own] }),
    templatesOf([agent("claude")]),
  );
  assertEquals(merged.egress.routes, [own]);
  assertEquals(merged.egress.allow, ["api.anthropic.com"]);
});

Deno.test("agent templates: no agents leave the bottle as it is", () => {
  const plain = bottle();
  assertEquals(withTemplates(plain, templatesOf([])), plain);
});

Deno.test("agent templates: codex adds api.openai.com with bearer injection, and no env", () => {
  const merged = withTemplates(bottle(), templatesOf([agent("codex")]));
  assertEquals(merged.egress.allow, ["example.com", "api.openai.com"]);
  assertEquals(merged.egress.routes, [{
    host: "api.openai.com",
    passthrough: false,
    auth: { scheme: "bearer", secret: { env: "OPENAI_API_KEY" } },
  }]);
  assertEquals(merged.env, bottle().env);
});

Deno.test("agent templates: claude and codex in one bottle, in a stable order", () => {
  const templates = templatesOf([agent("codex"), agent("claude")]);
  assertEquals(templates.map((t) => t.provider), ["claude", "codex"]);
  const merged = withTemplates(bottle(), templates);
  assertEquals(merged.egress.allow, ["example.com", "api.anthropic.com", "api.openai.com"]);
});

Deno.test("agent templates: claude's unattended argv", () => {
  assertEquals(
    fillArgv(CLAUDE_TEMPLATE.runArgv, { prompt: "do it", prompt_file: "/home/agent/p.md" }),
    [
      "claude",
      "-p",
      "do it",
      "--append-system-prompt-file",
      "/home/agent/p.md",
      "--permission-mode",
      "bypassPermissions",
    ],
  );
});
