/**
 * Malformed manifests through the real CLI: each gives a clean `file:line:col` error with
 * a hint, no stack trace, and changes nothing (the applied bottle keeps running, the
 * state serial does not move).
 */
import { join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { StateStore } from "../../engine/state.ts";
import { isAlive, type ProcessIdentity } from "../../lib/process.ts";
import { expectCode, World } from "./harness.ts";

const GOOD = "egress:\n  allow: [example.com]";

interface Case {
  name: string;
  files: Record<string, string>;
}

const bottle = (frontmatter: string): string => `---\n${frontmatter}\n---\nnotes\n`;

const BOTTLE_CASES: [string, string][] = [
  ["unknown top-level key", "egres:\n  allow: [a.com]"],
  ["unknown backend", "backend: podman"],
  ["env is a list", "env: [a, b]"],
  ["env value is a number", "env:\n  FOO: 1"],
  ["env value is a boolean", "env:\n  FOO: true"],
  ["env name is invalid", 'env:\n  "1BAD": x'],
  ["allow is a string", "egress:\n  allow: example.com"],
  ["allow holds a URL", 'egress:\n  allow: ["https://x.com"]'],
  ["bare * in allow", 'egress:\n  allow: ["*"]'],
  ["wildcard in the middle", 'egress:\n  allow: ["foo.*.com"]'],
  ["empty deny rule", 'egress:\n  deny: [""]'],
  ["unknown egress key", "egress:\n  allows: [a.com]"],
  [
    "unknown auth scheme",
    "egress:\n  routes:\n    - host: x.com\n      auth:\n        scheme: token\n        secret: {env: T}",
  ],
  [
    "header scheme without header",
    "egress:\n  routes:\n    - host: x.com\n      auth:\n        scheme: header\n        secret: {env: T}",
  ],
  [
    "inline secret",
    'egress:\n  routes:\n    - host: x.com\n      auth:\n        scheme: bearer\n        secret: "sk-abc"',
  ],
  ["path prefix without slash", "egress:\n  routes:\n    - host: x.com\n      path_prefix: v1"],
  [
    "passthrough with auth",
    "egress:\n  routes:\n    - host: x.com\n      passthrough: true\n      auth:\n        scheme: bearer\n        secret: {env: T}",
  ],
  ["upstream not a URL", "egress:\n  routes:\n    - host: x.com\n      upstream: not a url"],
  ["wildcard route host", 'egress:\n  routes:\n    - host: "*.x.com"'],
  ["git upstream without remote", "git:\n  github.com:\n    protected_branches: [main]"],
  ["git remote is a number", "git:\n  github.com:\n    remote: 5"],
  ["empty git_user block", "git_user: {}"],
  ["null git_user block", "git_user:"],
  ["supervise is a string", "supervise: yes please"],
  ["supervise.enabled not a bool", "supervise:\n  enabled: maybe"],
  ["self extends", "extends: bad"],
  ["missing parent", "extends: nowhere"],
  ["non-string extends", "extends: 5"],
  ["YAML syntax error", "env: {FOO: bar"],
  ["duplicate key", "backend: bwrap\nbackend: bwrap"],
  ["bad indentation", "egress:\n  allow:\n - a.com\n   - b.com"],
];

function cases(): Case[] {
  const list: Case[] = BOTTLE_CASES.map(([name, frontmatter]) => ({
    name,
    files: { "bottles/bad.md": bottle(frontmatter) },
  }));
  list.push(
    { name: "no frontmatter", files: { "bottles/bad.md": "just text\n" } },
    { name: "unterminated frontmatter", files: { "bottles/bad.md": "---\nbackend: bwrap\n" } },
    {
      name: "invalid bottle file name",
      files: { "bottles/Bad_Name.md": bottle("backend: bwrap") },
    },
    {
      name: "extends cycle",
      files: {
        "bottles/bad.md": bottle("extends: worse"),
        "bottles/worse.md": bottle("extends: bad"),
      },
    },
    {
      name: "unknown provider",
      files: { "agents/bad.md": "---\nprovider: gpt\nbottle: good\n---\nhi\n" },
    },
    {
      name: "agent names a missing bottle",
      files: { "agents/bad.md": "---\nprovider: claude\nbottle: nope\n---\nhi\n" },
    },
    {
      name: "agent unknown key",
      files: { "agents/bad.md": "---\nprovider: claude\nbottle: good\nmodle: x\n---\nhi\n" },
    },
    { name: "agent without provider", files: { "agents/bad.md": "---\nbottle: good\n---\nhi\n" } },
  );
  return list;
}

function sandboxInit(world: World): ProcessIdentity {
  const store = new StateStore(world.stateDir);
  try {
    return (store.get("sandbox.good")?.outputs as unknown as { init: ProcessIdentity }).init;
  } finally {
    store.close();
  }
}

function serial(world: World): number {
  const store = new StateStore(world.stateDir);
  try {
    return store.serial(store.all()[0].project);
  } finally {
    store.close();
  }
}

Deno.test("bad manifests: each gives a file:line:col error and changes nothing", async (t) => {
  const world = await World.create();
  await world.writeBottle("good", GOOD);
  expectCode(await world.cli(["apply", "--yes"]), 0, "apply of the good bottle");
  const init = sandboxInit(world);
  const before = serial(world);
  const all = cases();
  assert_(all.length >= 30, `only ${all.length} cases`);
  try {
    for (const item of all) {
      await t.step(item.name, async () => {
        for (const [path, text] of Object.entries(item.files)) {
          await Deno.writeTextFile(join(world.dir, path), text);
        }
        try {
          for (const command of [["plan"], ["apply", "--yes"]]) {
            const result = await world.cli(command);
            expectCode(result, 1, `${command[0]} with ${item.name}`);
            assertMatch(result.stderr, /(bottles|agents)\/[A-Za-z_]+\.md:\d+:\d+: /);
            assertMatch(result.stderr, /hint: /);
            assert_(!/^\s+at /m.test(result.stderr), `stack trace in:\n${result.stderr}`);
          }
          assertEquals(serial(world), before);
          assert_(isAlive(init), "the applied sandbox must keep running");
        } finally {
          for (const path of Object.keys(item.files)) await Deno.remove(join(world.dir, path));
        }
      });
    }
  } finally {
    expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
  }
});
