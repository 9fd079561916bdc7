import { type Case, semanticCases } from "./malformed_cases.ts";
import { assertReported, BASE_BOTTLE, loadErrors } from "./test_helpers.ts";

const BOTTLE_KEYS = [
  "backend",
  "extends",
  "env",
  "egress",
  "git",
  "git_user",
  "supervise",
  "workspace",
];
const AGENT_KEYS = ["provider", "bottle", "skills"];

function typos(key: string): string[] {
  return [key.slice(0, -1), key[1] + key[0] + key.slice(2)];
}

const typoCases: Case[] = [
  ...BOTTLE_KEYS.flatMap((key) =>
    typos(key).map((typo): Case => ({
      name: `typo \`${typo}\` of bottle key \`${key}\``,
      yaml: `backend: bwrap\n${typo}: x`,
      where: "bottles/bad.md:3:1",
      message: `unknown key \`${typo}\` in bottle; did you mean \`${key}\`?`,
    }))
  ),
  ...AGENT_KEYS.flatMap((key) =>
    typos(key).map((typo): Case => ({
      name: `typo \`${typo}\` of agent key \`${key}\``,
      yaml: `provider: claude\nbottle: dev\n${typo}: x`,
      agent: true,
      where: "agents/bad.md:4:1",
      message: `unknown key \`${typo}\` in agent; did you mean \`${key}\`?`,
    }))
  ),
];

const WRONG_TOP_LEVEL: [string, string, string][] = [
  ["backend", "5", "`backend` must be one of `bwrap`, `docker`, `smolvm`, not a number"],
  ["backend", "[bwrap]", "`backend` must be one of `bwrap`, `docker`, `smolvm`, not a list"],
  ["extends", "5", "`extends` must be a string, not a number"],
  ["extends", "{a: 1}", "`extends` must be a string, not a mapping"],
  ["env", "[A]", "`env` must be a mapping, not a list"],
  ["env", "A=1", "`env` must be a mapping, not a string"],
  ["egress", "[example.com]", "`egress` must be a mapping, not a list"],
  ["egress", "example.com", "`egress` must be a mapping, not a string"],
  ["git", "[github.com]", "`git` must be a mapping, not a list"],
  ["git", "5", "`git` must be a mapping, not a number"],
  ["git_user", "me", "`git_user` must be a mapping, not a string"],
  ["git_user", "[me]", "`git_user` must be a mapping, not a list"],
  ["supervise", "true", "`supervise` must be a mapping, not a boolean"],
  ["supervise", "yes", "`supervise` must be a mapping, not a string"],
  ["workspace", "5", "`workspace` must be a string, not a number"],
  ["workspace", "[.]", "`workspace` must be a string, not a list"],
];

const WRONG_AGENT: [string, string, string][] = [
  ["provider", "5", "`provider` must be one of `claude`, `codex`, not a number"],
  ["bottle", "5", "`bottle` must be a string, not a number"],
  ["bottle", "[dev]", "`bottle` must be a string, not a list"],
  ["skills", "review", "`skills` must be a list, not a string"],
  ["skills", "{a: 1}", "`skills` must be a list, not a mapping"],
];

const typeCases: Case[] = [
  ...WRONG_TOP_LEVEL.map(([key, value, message]): Case => ({
    name: `wrong type for bottle key \`${key}\`: ${value}`,
    yaml: `${key}: ${value}`,
    where: `bottles/bad.md:2:${key.length + 3}`,
    message,
  })),
  ...WRONG_AGENT.map(([key, value, message]): Case => {
    const others = AGENT_KEYS.filter((other) => other !== key && other !== "skills")
      .map((other) => (other === "provider" ? "provider: claude" : "bottle: dev"));
    return {
      name: `wrong type for agent key \`${key}\`: ${value}`,
      yaml: [`${key}: ${value}`, ...others].join("\n"),
      agent: true,
      where: `agents/bad.md:2:${key.length + 3}`,
      message,
    };
  }),
];

const nestedCases: Case[] = [
  {
    name: "egress.allow not a list",
    yaml: "egress:\n  allow: example.com",
    where: "bottles/bad.md:3:10",
    message: "`egress.allow` must be a list, not a string",
  },
  {
    name: "egress.deny not a list",
    yaml: "egress:\n  deny: {a: 1}",
    where: "bottles/bad.md:3:9",
    message: "`egress.deny` must be a list, not a mapping",
  },
  {
    name: "egress.routes not a list",
    yaml: "egress:\n  routes: api.example.com",
    where: "bottles/bad.md:3:11",
    message: "`egress.routes` must be a list, not a string",
  },
  {
    name: "env value is a boolean",
    yaml: "env:\n  DEBUG: true",
    where: "bottles/bad.md:3:10",
    message: "`env.DEBUG` must be a string, not a boolean",
  },
  {
    name: "env value is a number",
    yaml: "env:\n  PORT: 8080",
    where: "bottles/bad.md:3:9",
    message: "`env.PORT` must be a string, not a number",
  },
  {
    name: "supervise.enabled quoted",
    yaml: 'supervise:\n  enabled: "yes"',
    where: "bottles/bad.md:3:12",
    message: "`supervise.enabled` must be true or false, not a string",
  },
  {
    name: "route passthrough not a boolean",
    yaml: "egress:\n  routes:\n    - host: a.com\n      passthrough: no",
    where: "bottles/bad.md:5:20",
    message: "`egress.routes[0].passthrough` must be true or false, not a string",
  },
  {
    name: "protected_branches not a list",
    yaml: "git:\n  github.com:\n    remote: git@github.com:org/r.git\n    protected_branches: main",
    where: "bottles/bad.md:5:25",
    message: '`git["github.com"].protected_branches` must be a list, not a string',
  },
];

const cases = [...typoCases, ...typeCases, ...nestedCases, ...semanticCases];

Deno.test(`at least 30 malformed manifests (${cases.length})`, () => {
  if (cases.length < 30) throw new Error(`only ${cases.length} cases`);
});

for (const testCase of cases) {
  Deno.test(`malformed: ${testCase.name}`, async () => {
    const text = testCase.text ?? `---\n${testCase.yaml}\n---\n`;
    const files: Record<string, string> = { "bottles/dev.md": BASE_BOTTLE };
    files[testCase.agent ? "agents/bad.md" : "bottles/bad.md"] = text;
    assertReported(await loadErrors(files), testCase.where, testCase.message);
  });
}
