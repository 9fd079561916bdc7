import assert from "node:assert/strict";
import { join } from "node:path";
import { assertReported, BASE_BOTTLE, loadErrors, writeProject } from "./test_helpers.ts";
import { loadProject } from "./loader.ts";

const SKILL = "---\nname: notes\ndescription: writes notes\n---\nWrite notes.\n";

function agentFile(yaml: string): string {
  return `---\nprovider: claude\nbottle: dev\n${yaml}\n---\nPrompt.\n`;
}

async function agentErrors(yaml: string, extra: Record<string, string> = {}): Promise<string> {
  return await loadErrors({
    "bottles/dev.md": BASE_BOTTLE,
    "agents/bad.md": agentFile(yaml),
    ...extra,
  });
}

Deno.test("agent: skills resolve relative to the agent's file, named by their directory", async () => {
  const dir = await writeProject({
    "bottles/dev.md": BASE_BOTTLE,
    "agents/rev.md": agentFile("skills: [../skills/release-notes]"),
    "skills/release-notes/SKILL.md": SKILL,
  });
  try {
    const project = await loadProject(dir);
    const real = await Deno.realPath(dir);
    assert.deepEqual(project.agents.get("rev")?.skills, [
      { name: "release-notes", path: join(real, "skills", "release-notes") },
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("agent: a skill that is not a directory is reported at its entry", async () => {
  assertReported(
    await agentErrors("skills:\n  - ../skills/missing"),
    "agents/bad.md:5:5",
    "skill `../skills/missing` is not a directory",
  );
});

Deno.test("agent: a skill without SKILL.md is reported", async () => {
  assertReported(
    await agentErrors("skills: [../skills/empty]", { "skills/empty/README.md": "x" }),
    "agents/bad.md:4:10",
    "skill `../skills/empty` has no SKILL.md",
  );
});

Deno.test("agent: a skill directory with an invalid name is reported", async () => {
  assertReported(
    await agentErrors("skills: [../skills/Bad_Name]", { "skills/Bad_Name/SKILL.md": SKILL }),
    "agents/bad.md:4:10",
    "skill directory name `Bad_Name` is not a valid skill name",
  );
});

Deno.test("agent: two skills with one name are reported", async () => {
  assertReported(
    await agentErrors("skills: [../a/notes, ../b/notes]", {
      "a/notes/SKILL.md": SKILL,
      "b/notes/SKILL.md": SKILL,
    }),
    "agents/bad.md:4:22",
    "two skills are named `notes`",
  );
});

Deno.test("agent: an MCP server needs exactly one of command or url", async () => {
  assertReported(
    await agentErrors("mcp_servers:\n  tools: {env: {A: b}}"),
    "agents/bad.md:5:10",
    "an MCP server needs exactly one of `command` (stdio) or `url` (HTTP)",
  );
  assertReported(
    await agentErrors("mcp_servers:\n  tools: {command: [x], url: 'http://127.0.0.1:1/'}"),
    "agents/bad.md:5:10",
    "exactly one of `command`",
  );
});

Deno.test("agent: an MCP server's name and env are checked", async () => {
  assertReported(
    await agentErrors("mcp_servers:\n  'bad name': {command: [x]}"),
    "agents/bad.md:5:3",
    "`bad name` is not a valid MCP server name",
  );
  assertReported(
    await agentErrors("mcp_servers:\n  t: {command: [x], env: {TOKEN: ghp_abcdef}}"),
    "agents/bad.md:5:34",
    "looks like a secret written inline",
  );
  assertReported(
    await agentErrors("mcp_servers:\n  t: {url: 'http://127.0.0.1:1/', env: {A: b}}"),
    "agents/bad.md:5:35",
    "`env` is only used with `command`",
  );
});

Deno.test("agent: a git identity with a newline or angle brackets is refused", async () => {
  assertReported(
    await agentErrors('git_user: {name: "a\\nb"}'),
    "agents/bad.md:4:18",
    "cannot hold control characters",
  );
  assertReported(
    await agentErrors("git_user: {email: '<me@x>'}"),
    "agents/bad.md:4:19",
    "cannot hold control characters",
  );
});

Deno.test("agent: MCP servers load as command or url", async () => {
  const dir = await writeProject({
    "bottles/dev.md": BASE_BOTTLE,
    "agents/rev.md": agentFile(
      "mcp_servers:\n  t: {command: [node, s.js], env: {A: b}}\n  w: {url: 'http://127.0.0.1:9/mcp'}",
    ),
  });
  try {
    const project = await loadProject(dir);
    assert.deepEqual(project.agents.get("rev")?.mcpServers, {
      t: { command: ["node", "s.js"], env: { A: "b" } },
      w: { url: "http://127.0.0.1:9/mcp" },
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("agent: a run_command without {prompt} is refused", async () => {
  assertReported(
    await agentErrors("run_command: [claude, -p, hello]"),
    "agents/bad.md:4:14",
    "`run_command` never receives the prompt",
  );
});
