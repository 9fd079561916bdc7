/**
 * The providers that write into a bottle's home (agent_home, gitconfig, agent_skills) against
 * a home the agent has made hostile: symlinks to a host canary at each file the engine writes,
 * at its `.tmp`, at a directory above, at the skills directory; a FIFO and a link to /dev/zero
 * where merged JSON belongs. `read` must report them (and return), `update` must repair them
 * inside the home; the canary is never written, read into the home, or created in.
 */
import { join } from "node:path";
import { assert_, assertEquals } from "../tests/assert.ts";
import { giveToAgent, ownedTempDir } from "../tests/owned_dir.ts";
import type { ProviderContext, ReadResult, ResourceInstance } from "../engine/provider.ts";
import type { JsonObject } from "../lib/json.ts";
import { agentHomeProvider } from "./agent_home.ts";
import type { AgentHomeInputs } from "./agent_home.ts";
import type { AgentSkillsInputs } from "./agent_skills.ts";
import { agentSkillsProvider, skillCopies } from "./agent_skills.ts";
import { CLAUDE_SETTINGS_SEED, claudeJsonSeed } from "./claude_config.ts";
import { gitconfigProvider } from "./gitconfig.ts";
import type { GitconfigInputs } from "./gitconfig.ts";

const TOKEN = `host-canary-${crypto.randomUUID()}`;
const AGENT = ".bot-bottle/agents/coder";

interface World {
  ctx: ProviderContext;
  home: string;
  canary: string;
  canaryDir: string;
  homeInstance: ResourceInstance;
  gitInstance: ResourceInstance;
  skillsInstance: ResourceInstance;
  /** Plants, as the agent would: removes what is at `rel` and runs `make` on its host path. */
  plant(rel: string, make: (path: string) => Promise<void> | void): Promise<void>;
  link(rel: string, target?: string): Promise<void>;
  untouched(): void;
  done(): Promise<void>;
}

async function world(): Promise<World> {
  const stateDir = await Deno.makeTempDir({ prefix: "bb-links-" });
  await Deno.mkdir(join(stateDir, "bottles", "b"), { recursive: true });
  const home = join(stateDir, "bottles", "b", "home");
  await Deno.rename(await ownedTempDir(), home);
  const canary = join(stateDir, "canary.json");
  const canaryDir = join(stateDir, "canary-dir");
  await Deno.writeTextFile(canary, JSON.stringify({ token: TOKEN, hasCompletedOnboarding: 1 }));
  await Deno.mkdir(canaryDir);
  const mtime = Deno.statSync(canary).mtime?.getTime();
  const skillSource = join(stateDir, "notes");
  await Deno.mkdir(skillSource);
  await Deno.writeTextFile(join(skillSource, "SKILL.md"), "---\nname: notes\n---\nBe brief.\n");
  const homeInputs: AgentHomeInputs = {
    agent: "coder",
    provider: "claude",
    home,
    dir: AGENT,
    files: { "prompt.md": "You code.\n", "codex/config.toml": "model = 'x'\n" },
    json_seeds: {
      "claude/.claude.json": claudeJsonSeed("bb_placeholder_0123456789abcdef0123"),
      "claude/settings.json": CLAUDE_SETTINGS_SEED,
    },
    prompt_file: `/home/agent/${AGENT}/prompt.md`,
    env: {},
  };
  const git: GitconfigInputs = {
    path: join(home, ".gitconfig"),
    bottle: "b",
    user: { name: "A", email: "a@b" },
  };
  const skills: AgentSkillsInputs = {
    dir: join(home, AGENT, "claude", "skills"),
    skills: skillCopies([{ name: "notes", path: skillSource }]),
  };
  const plant = async (rel: string, make: (path: string) => Promise<void> | void) => {
    await Deno.remove(join(home, rel), { recursive: true }).catch(() => {});
    await make(join(home, rel));
    await giveToAgent(home);
  };
  const instance = (type: string, inputs: unknown): ResourceInstance => ({
    id: `${type}.b`,
    type,
    bottle: "b",
    inputs: inputs as JsonObject,
    outputs: null,
  });
  return {
    ctx: { stateDir, env: {} },
    home,
    canary,
    canaryDir,
    homeInstance: instance("agent_home", homeInputs),
    gitInstance: instance("gitconfig", git),
    skillsInstance: instance("agent_skills", skills),
    plant,
    link: (rel, target = canary): Promise<void> => plant(rel, (path) => Deno.symlink(target, path)),
    untouched: (): void => {
      const content = Deno.readTextFileSync(canary);
      assertEquals(content, JSON.stringify({ token: TOKEN, hasCompletedOnboarding: 1 }));
      assertEquals(Deno.statSync(canary).mtime?.getTime(), mtime, "the canary's mtime changed");
      assertEquals([...Deno.readDirSync(canaryDir)].length, 0, "something was made in the dir");
    },
    done: (): Promise<void> => Deno.remove(stateDir, { recursive: true }),
  };
}

type Kind = "home" | "git" | "skills";

const PROVIDERS = { home: agentHomeProvider, git: gitconfigProvider, skills: agentSkillsProvider };

function instanceOf(w: World, kind: Kind): ResourceInstance {
  return kind === "home" ? w.homeInstance : kind === "git" ? w.gitInstance : w.skillsInstance;
}

async function read(w: World, kind: Kind): Promise<ReadResult> {
  const started = Date.now();
  const result = await PROVIDERS[kind].read(w.ctx, instanceOf(w, kind));
  assert_(Date.now() - started < 15_000, `reading ${kind} took ${Date.now() - started} ms`);
  assert_(!JSON.stringify(result).includes(TOKEN), "the canary's content was read");
  return result;
}

async function driftOf(w: World, kind: Kind): Promise<string[]> {
  const result = await read(w, kind);
  assert_(result.status === "found", `${kind}: ${JSON.stringify(result)}`);
  return result.drift;
}

async function apply(w: World, ...kinds: Kind[]): Promise<void> {
  for (const kind of kinds) await PROVIDERS[kind].create(w.ctx, instanceOf(w, kind));
}

/** Every file the engine wrote is a regular file again, and none holds the canary's token. */
async function repaired(w: World): Promise<void> {
  for (const kind of ["home", "git", "skills"] as const) {
    assertEquals(await driftOf(w, kind), [], `${kind} still drifts`);
  }
  const files = [
    ".gitconfig",
    `${AGENT}/prompt.md`,
    `${AGENT}/codex/config.toml`,
    `${AGENT}/claude/.claude.json`,
    `${AGENT}/claude/settings.json`,
    `${AGENT}/claude/skills/notes/SKILL.md`,
  ];
  for (const rel of files) {
    const info = Deno.lstatSync(join(w.home, rel));
    assert_(info.isFile, `${rel} is not a regular file`);
    assert_(!Deno.readTextFileSync(join(w.home, rel)).includes(TOKEN), `${rel} holds the token`);
  }
}

Deno.test("home links: links at files and at their .tmp are drift, replaced inside, never followed", async () => {
  const w = await world();
  try {
    await apply(w, "home", "git", "skills");
    await repaired(w);
    for (
      const rel of [
        ".gitconfig",
        ".gitconfig.tmp",
        `${AGENT}/prompt.md`,
        `${AGENT}/prompt.md.tmp`,
        `${AGENT}/codex/config.toml`,
        `${AGENT}/claude/settings.json`,
        `${AGENT}/claude/.claude.json`,
        `${AGENT}/claude/.claude.json.tmp`,
      ]
    ) await w.link(rel);
    await w.link(`${AGENT}/claude/skills`, w.canaryDir);
    assertEquals(await driftOf(w, "git"), [`${join(w.home, ".gitconfig")} is a symlink`]);
    assertEquals((await driftOf(w, "home")).sort(), [
      `${join(w.home, AGENT, "codex/config.toml")} is a symlink`,
      `${join(w.home, AGENT, "prompt.md")} is a symlink`,
      "claude/.claude.json is a symlink",
      "claude/settings.json is a symlink",
    ]);
    assertEquals(await driftOf(w, "skills"), [
      `${join(w.home, AGENT, "claude/skills")} is a symlink`,
    ]);
    await apply(w, "home", "git", "skills");
    w.untouched();
    await repaired(w);
  } finally {
    await w.done();
  }
});

Deno.test("home links: a directory above the files, swapped for a link to a host directory", async () => {
  const w = await world();
  try {
    await apply(w, "home", "skills");
    await w.link(".bot-bottle", w.canaryDir);
    const drift = await driftOf(w, "home");
    assertEquals(drift[0], `${join(w.home, AGENT)} is behind .bot-bottle, which is a symlink`);
    assertEquals(await driftOf(w, "skills"), [
      `${join(w.home, AGENT, "claude/skills")} is behind .bot-bottle, which is a symlink`,
    ]);
    await apply(w, "home", "git", "skills");
    w.untouched();
    await repaired(w);
    assert_(Deno.lstatSync(join(w.home, ".bot-bottle")).isDirectory);
  } finally {
    await w.done();
  }
});

Deno.test("home links: a FIFO and /dev/zero where merged JSON belongs never block a read", async () => {
  const w = await world();
  try {
    await apply(w, "home", "git", "skills");
    await w.plant(`${AGENT}/claude/settings.json`, (path) => {
      assert_(new Deno.Command("mkfifo", { args: [path] }).outputSync().success);
    });
    await w.link(`${AGENT}/claude/.claude.json`, "/dev/zero");
    await w.link(".gitconfig", "/dev/zero");
    assertEquals((await driftOf(w, "home")).sort(), [
      "claude/.claude.json is a symlink",
      "claude/settings.json is a FIFO",
    ]);
    assertEquals(await driftOf(w, "git"), [`${join(w.home, ".gitconfig")} is a symlink`]);
    await apply(w, "home", "git");
    await repaired(w);
  } finally {
    await w.done();
  }
});

Deno.test("home links: JSON nested too deeply to walk is replaced, never fails apply", async () => {
  const w = await world();
  try {
    await apply(w, "home", "git", "skills");
    const depth = 1_000_000;
    await w.plant(`${AGENT}/claude/.claude.json`, (path) => {
      Deno.writeTextFileSync(path, `{"x":${"[".repeat(depth)}${"]".repeat(depth)}}`);
    });
    assertEquals(await driftOf(w, "home"), ["claude/.claude.json is not a JSON object"]);
    await apply(w, "home");
    assertEquals(await driftOf(w, "home"), []);
  } finally {
    await w.done();
  }
});

Deno.test("home links: what the agent wrote into merged JSON stays; a link's target is not merged", async () => {
  const w = await world();
  try {
    await apply(w, "home");
    const settings = join(w.home, AGENT, "claude", "settings.json");
    await w.plant(
      `${AGENT}/claude/settings.json`,
      (path) => Deno.writeTextFile(path, JSON.stringify({ theme: "dark" })),
    );
    assertEquals(await driftOf(w, "home"), [
      "claude/settings.json: skipDangerousModePermissionPrompt differs",
    ]);
    await apply(w, "home");
    assertEquals(JSON.parse(Deno.readTextFileSync(settings)), {
      theme: "dark",
      skipDangerousModePermissionPrompt: true,
    });
    await w.link(`${AGENT}/claude/settings.json`);
    await apply(w, "home");
    assertEquals(JSON.parse(Deno.readTextFileSync(settings)), CLAUDE_SETTINGS_SEED);
    w.untouched();
  } finally {
    await w.done();
  }
});

Deno.test("home links: delete removes the agent's files, never through a link", async () => {
  const w = await world();
  try {
    await apply(w, "home", "git", "skills");
    // What the agent's directories would be, were the link above them followed.
    const decoy = join(w.canaryDir, "agents", "coder", "claude", "skills");
    await Deno.mkdir(decoy, { recursive: true });
    await Deno.writeTextFile(join(decoy, "keep"), TOKEN);
    await w.link(".bot-bottle", w.canaryDir);
    await agentSkillsProvider.delete(w.ctx, w.skillsInstance);
    await agentHomeProvider.delete(w.ctx, w.homeInstance);
    await w.link(".gitconfig");
    await gitconfigProvider.delete(w.ctx, w.gitInstance);
    assertEquals(Deno.readTextFileSync(join(decoy, "keep")), TOKEN);
    await Deno.remove(join(w.canaryDir, "agents"), { recursive: true });
    w.untouched();
    assert_(Deno.lstatSync(join(w.home, ".bot-bottle")).isSymlink, "left alone");
    assertEquals(await Deno.lstat(join(w.home, ".gitconfig")).catch(() => null), null);
  } finally {
    await w.done();
  }
});

Deno.test("home links: files the agent cannot remove (an older bottle's) go from the host, links kept", async () => {
  const w = await world();
  try {
    // As an older bot-bottle left them: the operator's directories, holding the agent's links.
    const legacy = join(w.home, ".bot-bottle", "agents", "coder");
    await Deno.mkdir(join(legacy, "claude"), { recursive: true });
    await Deno.writeTextFile(join(legacy, "prompt.md"), "p");
    await Deno.symlink(w.canaryDir, join(legacy, "claude", "skills"));
    await Deno.symlink(w.canaryDir, join(w.home, ".bot-bottle", "agents", "other"));
    await Deno.writeTextFile(join(w.canaryDir, "x"), TOKEN);
    await agentSkillsProvider.delete(w.ctx, w.skillsInstance);
    assertEquals(await Deno.lstat(join(legacy, "claude", "skills")).catch(() => null), null);
    await agentHomeProvider.delete(w.ctx, w.homeInstance);
    assertEquals(await Deno.lstat(legacy).catch(() => null), null);
    await agentHomeProvider.delete(w.ctx, {
      ...w.homeInstance,
      inputs: { ...w.homeInstance.inputs, dir: ".bot-bottle/agents/other/x" },
    });
    assertEquals(Deno.readTextFileSync(join(w.canaryDir, "x")), TOKEN);
    await Deno.remove(join(w.canaryDir, "x"));
    w.untouched();
  } finally {
    await w.done();
  }
});
