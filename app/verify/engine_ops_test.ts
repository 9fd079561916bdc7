import { assertEquals } from "../../tests/assert.ts";
import type { ResourceRecord } from "../../engine/state.ts";
import type { JsonObject } from "../../lib/json.ts";
import { homeWritesOf } from "./engine_ops.ts";

const record = (type: string, inputs: JsonObject): ResourceRecord => ({
  id: `${type}.b`,
  type,
  bottle: "b",
  project: "/p",
  inputs,
  outputs: {},
  dependsOn: [],
  replaceWith: [],
  status: "ready",
  error: null,
  updatedAt: "",
});

Deno.test("homeWritesOf: gitconfig, the agent's files and skills dir; nothing outside the home", () => {
  const writes = homeWritesOf([
    record("gitconfig", { path: "/s/b/home/.gitconfig" }),
    record("agent_home", {
      home: "/s/b/home",
      dir: ".bot-bottle/agents/a",
      files: { "prompt.md": "p" },
      json_seeds: { "claude/settings.json": {} },
    }),
    record("agent_skills", { dir: "/s/b/home/.bot-bottle/agents/a/claude/skills" }),
    record("egress_policy", { path: "/s/b/policy.json" }),
    record("gitconfig", { path: "/elsewhere/.gitconfig" }),
  ], "/s/b/home");
  assertEquals(writes, [
    { path: ".bot-bottle/agents/a/claude/settings.json", kind: "file", viaTmp: true },
    { path: ".bot-bottle/agents/a/claude/skills", kind: "dir", viaTmp: false },
    { path: ".bot-bottle/agents/a/prompt.md", kind: "file", viaTmp: true },
    { path: ".gitconfig", kind: "file", viaTmp: true },
  ]);
});
