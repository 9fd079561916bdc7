/**
 * The engine never follows a link the agent planted in its home (issue 8), through the real
 * CLI. As the agent (`bottle exec`), the files the engine writes there — `~/.gitconfig`, each
 * agent's prompt, Claude Code's `settings.json` and `.claude.json`, Codex's `config.toml`, and
 * the `.tmp` names beside them — become symlinks to a host canary file; then a directory above
 * them (`~/.bot-bottle`) and a skills directory become links to a host canary directory; then
 * a FIFO and links to /dev/zero sit where the engine reads. Each time `drift` must report it
 * (and return), and `apply --yes` must repair it inside the bottle: the canary's bytes and
 * mtime unchanged, nothing made in the canary directory, the canary's content nowhere inside.
 * The agent CLIs are stubs in a scratch cache (no npm install, no model).
 */
import { dirname, join } from "node:path";
import { CLAUDE_TEMPLATE } from "../../manifest/templates/claude.ts";
import { CODEX_TEMPLATE } from "../../manifest/templates/codex.ts";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { type CliResult, expectCode, World } from "./harness.ts";

const HOME = "/home/agent";
const CODER = `${HOME}/.bot-bottle/agents/coder`;
const CX = `${HOME}/.bot-bottle/agents/cx`;
/** Every file the engine writes into the home. */
const FILES = [
  `${HOME}/.gitconfig`,
  `${CODER}/prompt.md`,
  `${CODER}/claude/settings.json`,
  `${CODER}/claude/.claude.json`,
  `${CODER}/claude/skills/notes/SKILL.md`,
  `${CX}/prompt.md`,
  `${CX}/codex/config.toml`,
];

async function stubInstall(cache: string, template: typeof CLAUDE_TEMPLATE): Promise<void> {
  const install = join(cache, `${template.cacheName}@${template.npm.version}`);
  await Deno.mkdir(join(install, template.binDir), { recursive: true });
  await Deno.writeTextFile(join(install, template.binary), "#!/bin/sh\nexit 0\n");
  await Deno.chmod(join(install, template.binary), 0o755);
}

/** A CLI run that must end within `ms` (a read that blocks on a FIFO would not). */
async function within(ms: number, what: string, run: Promise<CliResult>): Promise<CliResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not return within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([run, late]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test({
  name:
    "home links: drift reports the agent's links, apply repairs them inside, the host is untouched",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const world = await World.create({
      ANTHROPIC_API_KEY: "sk-ant-links-test",
      OPENAI_API_KEY: "sk-links-test",
    });
    const base = dirname(world.stateDir);
    const cache = join(base, "cache");
    world.env.BOT_BOTTLE_CACHE_DIR = cache;
    await stubInstall(cache, CLAUDE_TEMPLATE);
    await stubInstall(cache, CODEX_TEMPLATE);
    const token = `host-canary-${crypto.randomUUID()}`;
    const canary = join(base, "canary.json");
    const canaryDir = join(base, "canary-dir");
    const canaryText = JSON.stringify({ token, hasCompletedOnboarding: false, mcpServers: {} });
    await Deno.writeTextFile(canary, canaryText);
    await Deno.mkdir(canaryDir);
    const mtime = (await Deno.stat(canary)).mtime?.getTime();

    await world.writeBottle("links", "git_user: { name: Link Bot, email: links@example.test }");
    await world.writeSkill("notes", "Takes notes", "Be brief.");
    await world.writeAgent(
      "coder",
      "provider: claude\nbottle: links\nskills: [../skills/notes]",
      "You code.",
    );
    await world.writeAgent("cx", "provider: codex\nbottle: links", "You review.");
    const inside = (script: string): Promise<CliResult> =>
      world.cli(["exec", "links", "--", "sh", "-c", script]);
    const untouched = async (): Promise<void> => {
      assertEquals(await Deno.readTextFile(canary), canaryText);
      assertEquals((await Deno.stat(canary)).mtime?.getTime(), mtime, "the canary's mtime");
      assertEquals([...Deno.readDirSync(canaryDir)].map((e) => e.name), [], "the canary dir");
    };
    /** Plants as the agent, then: drift reports `expected`; apply repairs; all is as before. */
    const round = async (name: string, plant: string, expected: RegExp[]): Promise<void> => {
      await t.step(name, async () => {
        const planted = await inside(`set -e; ${plant}; echo planted`);
        expectCode(planted, 0, "planting as the agent");
        assertEquals(planted.stdout, "planted\n");
        const drift = await within(60_000, "drift", world.cli(["drift"]));
        expectCode(drift, 2, "drift");
        for (const pattern of expected) assertMatch(drift.stdout, pattern);
        assert_(!drift.stdout.includes(token), "drift printed the canary's content");
        await untouched();
        expectCode(await within(120_000, "apply", world.cli(["apply", "--yes"])), 0, "apply");
        await untouched();
        expectCode(await world.cli(["drift"]), 0, "drift after the repair");
        const check = await inside(
          `for f in ${FILES.join(" ")}; do ` +
            `if [ -L "$f" ] || [ ! -f "$f" ]; then echo "not a regular file: $f"; fi; done; ` +
            `[ -L ${HOME}/.bot-bottle ] && echo "~/.bot-bottle is a link"; ` +
            `grep -rlF -e '${token}' ${HOME} /workspace /tmp 2>/dev/null; true`,
        );
        expectCode(check, 0, "checking inside");
        assertEquals(check.stdout, "", check.stderr);
      });
    };
    try {
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply");
      await untouched();

      await round(
        "links at every file the engine writes, and at its .tmp",
        [
          `${HOME}/.gitconfig`,
          `${HOME}/.gitconfig.tmp`,
          `${CODER}/prompt.md`,
          `${CODER}/prompt.md.tmp`,
          `${CODER}/claude/settings.json`,
          `${CODER}/claude/settings.json.tmp`,
          `${CODER}/claude/.claude.json`,
          `${CODER}/claude/.claude.json.tmp`,
          `${CX}/codex/config.toml`,
          `${CX}/codex/config.toml.tmp`,
        ].map((path) => `ln -sfT ${canary} ${path}`).join("; "),
        [
          /gitconfig\.links .*\.gitconfig is a symlink/,
          /agent_home\.links\.coder .*prompt\.md is a symlink/,
          /claude\/settings\.json is a symlink/,
          /claude\/\.claude\.json is a symlink/,
          /agent_home\.links\.cx .*config\.toml is a symlink/,
        ],
      );

      await round(
        "a skills directory, and its .tmp, links to a host directory",
        `rm -rf ${CODER}/claude/skills; ln -s ${canaryDir} ${CODER}/claude/skills; ` +
          `ln -s ${canaryDir} ${CODER}/claude/skills.tmp`,
        [/agent_skills\.links\.coder .*skills is a symlink/],
      );

      await round(
        "the directory above every agent's files, a link to a host directory",
        `mv ${HOME}/.bot-bottle ${HOME}/aside; ln -s ${canaryDir} ${HOME}/.bot-bottle`,
        [
          /agent_home\.links\.coder .*behind \.bot-bottle, which is a symlink/,
          /agent_home\.links\.cx .*behind \.bot-bottle, which is a symlink/,
          /agent_skills\.links\.coder .*behind \.bot-bottle, which is a symlink/,
        ],
      );

      await round(
        "a FIFO and links to /dev/zero where the engine reads",
        `rm -f ${CODER}/claude/settings.json; mkfifo ${CODER}/claude/settings.json; ` +
          `ln -sfT /dev/zero ${CODER}/claude/.claude.json; ln -sfT /dev/zero ${HOME}/.gitconfig; ` +
          `ln -sfT /dev/zero ${CX}/codex/config.toml; ` +
          `rm -rf ${CODER}/claude/skills/notes; mkfifo ${CODER}/claude/skills/notes`,
        [
          /claude\/settings\.json is a FIFO/,
          /claude\/\.claude\.json is a symlink/,
          /\.gitconfig is a symlink/,
          /config\.toml is a symlink/,
          /skill notes is not a directory/,
        ],
      );

      await t.step("destroy removes the home, and nothing of the host", async () => {
        await inside(
          `ln -sfT ${canaryDir} ${HOME}/.bot-bottle; ln -sfT ${canary} ${HOME}/.gitconfig`,
        );
        expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
        await untouched();
      });
    } finally {
      await world.cli(["destroy", "--yes"]);
    }
  },
});
