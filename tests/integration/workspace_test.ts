/**
 * The workspace is a copy of the operator's repository (without ignored files or the
 * config's secrets), it is the agent's once created, and results come back only through
 * `bottle export`, as remote-tracking refs that touch nothing else of the operator's.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { agentUid, expectCode, World } from "./harness.ts";
import { run } from "../../lib/command.ts";

const SECRET = "sk-proj-Qw3rTy0123456789abcdefABCDEF0123456789xyzXYZ";

function hostGit(dir: string, ...args: string[]): Promise<string> {
  return run("git", ["-c", "user.name=op", "-c", "user.email=op@example.com", ...args], {
    cwd: dir,
  });
}

/** An operator's checkout: a commit, an uncommitted change, an untracked and an ignored file. */
async function operatorRepo(base: string, name: string): Promise<string> {
  const repo = join(base, name);
  await Deno.mkdir(repo);
  await hostGit(repo, "-c", "init.defaultBranch=main", "init", "-q");
  await Deno.writeTextFile(join(repo, "README.md"), `${name} v1\n`);
  await Deno.writeTextFile(join(repo, ".gitignore"), ".env\n");
  await hostGit(repo, "add", "-A");
  await hostGit(repo, "commit", "-q", "-m", `first of ${name}`);
  await Deno.writeTextFile(join(repo, "README.md"), `${name} v2 uncommitted\n`);
  await Deno.writeTextFile(join(repo, "notes.txt"), "untracked notes\n");
  await Deno.writeTextFile(join(repo, ".env"), `OPENAI_API_KEY=${SECRET}\n`);
  await hostGit(repo, "config", "credential.helper", "store");
  await hostGit(repo, "config", "http.extraheader", "Authorization: Bearer xyz");
  await hostGit(repo, "remote", "add", "origin", "https://user:tok123@example.invalid/r.git");
  return repo;
}

/** What `bottle export` must never change in the operator's repository. */
async function operatorView(repo: string): Promise<string[]> {
  return [
    await hostGit(repo, "symbolic-ref", "HEAD"),
    await hostGit(repo, "rev-parse", "HEAD"),
    await hostGit(repo, "for-each-ref", "refs/heads", "refs/tags"),
    await hostGit(repo, "status", "--porcelain", "--ignored"),
    await Deno.readTextFile(join(repo, "README.md")),
  ];
}

Deno.test("workspace: seeded from the operator's repo, the agent's own, exported as refs", async (t) => {
  const world = await World.create();
  const base = await Deno.makeTempDir({ prefix: "bb-ws-" });
  const repo = await operatorRepo(base, "app");
  const other = await operatorRepo(base, "other");
  await world.writeBottle("ws", `backend: bwrap\nworkspace: ${repo}`);
  await world.writeBottle("bare", "backend: bwrap");
  const exec = (bottle: string, script: string) =>
    world.cli(["exec", bottle, "--", "sh", "-c", script]);
  try {
    await t.step(
      "apply copies tracked, modified and untracked files, not ignored ones",
      async () => {
        expectCode(await world.cli(["apply", "--yes"]), 0, "apply");
        const files = await exec("ws", "cat README.md notes.txt; test ! -e .env && echo no-env");
        expectCode(files, 0, "cat");
        assertEquals(files.stdout, "app v2 uncommitted\nuntracked notes\nno-env\n");
        const leaked = await exec("ws", `grep -rs -e ${SECRET} -e tok123 -e 'Bearer xyz' . ; true`);
        assertEquals(leaked.stdout, "");
      },
    );

    await t.step("git works inside as the agent, with a config holding no secret", async () => {
      const log = await exec("ws", "id -u; git log --format=%s; git status --porcelain");
      expectCode(log, 0, "git log");
      assertEquals(log.stdout, `${agentUid()}\nfirst of app\n M README.md\n?? notes.txt\n`);
      const config = await exec("ws", "git config --list --show-origin");
      expectCode(config, 0, "git config --list");
      assertMatch(config.stdout, /remote\.origin\.url=https:\/\/example\.invalid\/r\.git/);
      for (const secret of [/tok123/, /extraheader/i, /credential/i, /Bearer/]) {
        assert_(!secret.test(config.stdout), `${secret} inside:\n${config.stdout}`);
      }
    });

    let agentCommit = "";
    await t.step("export brings the agent's branch back as bottle/ws/*, nothing else", async () => {
      const commit = await exec(
        "ws",
        "git checkout -q -b feature && echo agent > agent.txt && git add -A && " +
          "git -c user.name=a -c user.email=a@b commit -q -m 'agent work' && git rev-parse HEAD",
      );
      expectCode(commit, 0, "commit inside");
      agentCommit = commit.stdout.trim();
      const before = await operatorView(repo);
      const exported = await world.cli(["export", "ws"]);
      expectCode(exported, 0, "export");
      assertMatch(exported.stdout, /bottle\/ws\/feature\s+[0-9a-f]{7,}\s+agent work/);
      assertEquals(
        (await hostGit(repo, "rev-parse", "refs/remotes/bottle/ws/feature")).trim(),
        agentCommit,
      );
      assertEquals(
        await hostGit(repo, "log", "-1", "--format=%s", "bottle/ws/feature"),
        "agent work\n",
      );
      assertEquals(await operatorView(repo), before);
      assert_(!existsSync(join(repo, ".git", "FETCH_HEAD")), "FETCH_HEAD written");
      assert_(!existsSync(join(repo, "agent.txt")), "the operator's work tree changed");
    });

    await t.step("a changed `workspace:` never re-seeds: the agent's work stays", async () => {
      await world.writeBottle("ws", `backend: bwrap\nworkspace: ${other}`);
      expectCode(await world.cli(["plan", "--detailed-exitcode"]), 0, "plan after edit");
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply after edit");
      const inside = await exec("ws", "cat README.md agent.txt; git rev-parse feature");
      assertEquals(inside.stdout, `app v2 uncommitted\nagent\n${agentCommit}\n`);
      expectCode(await world.cli(["export", "ws"]), 0, "export again, to the seed's repo");
      const refs = await hostGit(other, "for-each-ref", "refs/remotes/bottle");
      assertEquals(refs, "", "export follows the recorded source, not the edited manifest");
    });

    await t.step("export without a source needs --to; an empty workspace is refused", async () => {
      const noSource = await world.cli(["export", "bare"]);
      expectCode(noSource, 1, "export bare");
      assertMatch(noSource.stderr, /was not seeded from a repository[^]*hint: .*--to PATH/);
      const noRepo = await world.cli(["export", "bare", "--to", repo]);
      expectCode(noRepo, 1, "export of a non-repository");
      assertMatch(noRepo.stderr, /\/workspace is not a git repository\n {2}hint: /);
      expectCode(await exec("bare", "git init -q"), 0, "git init inside");
      const empty = await world.cli(["export", "bare", "--to", repo]);
      expectCode(empty, 1, "export of an empty repository");
      assertMatch(empty.stderr, /no branch with a commit to export\n {2}hint: /);
      const unknown = await world.cli(["export", "nosuch"]);
      expectCode(unknown, 1, "export of an unknown bottle");
      assertMatch(unknown.stderr, /no bottle named "nosuch"/);
      for (const result of [noSource, noRepo, empty, unknown]) {
        assert_(!/^\s+at /m.test(result.stderr), `stack trace:\n${result.stderr}`);
      }
    });

    await t.step(
      "apply --cwd seeds bottles without `workspace:` from the current dir",
      async () => {
        const refused = await world.cli(["apply", "--yes", "--cwd", base]);
        expectCode(refused, 1, "apply --cwd of a non-repository");
        assertMatch(refused.stderr, /--cwd: .* is not the top of a git work tree.*\n {2}hint: /);
        await world.writeBottle("here", "backend: bwrap");
        expectCode(
          await world.cli(["apply", "--yes", "--dir", world.dir, "--cwd"], {}, other),
          0,
          "apply --cwd",
        );
        const seeded = await exec("here", "cat README.md; git log --format=%s");
        assertEquals(seeded.stdout, "other v2 uncommitted\nfirst of other\n");
        const untouched = await exec("bare", "ls -A; cat README.md 2>/dev/null; true");
        assertEquals(untouched.stdout, ".git\n", "an existing workspace is never seeded later");
        expectCode(await world.cli(["export", "here"]), 0, "export here");
        assertMatch(await hostGit(other, "for-each-ref", "refs/remotes/bottle/here/"), /\/main\n/);
      },
    );

    await t.step(
      "an apply killed right after seeding converges without seeding again",
      async () => {
        await world.writeBottle("crashy", `backend: bwrap\nworkspace: ${repo}`);
        const killed = await world.cli(["apply", "--yes"], {
          BOT_BOTTLE_TEST_CRASH_AT: "workspace.crashy:end",
        });
        assertEquals(killed.signal, "SIGKILL", `apply should have been killed:\n${killed.stdout}`);
        const dir = join(world.stateDir, "bottles", "crashy", "workspace");
        assert_(!existsSync(`${dir}.seeding`), "the scratch copy was renamed into place");
        await Deno.writeTextFile(join(dir, "marker.txt"), "still here\n");
        expectCode(await world.cli(["apply", "--yes"]), 0, "apply after the kill");
        expectCode(await world.cli(["plan", "--detailed-exitcode"]), 0, "plan after recovery");
        const inside = await exec("crashy", "cat marker.txt README.md");
        assertEquals(inside.stdout, "still here\napp v2 uncommitted\n");
      },
    );
  } finally {
    expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
    await Deno.remove(base, { recursive: true });
    await Deno.remove(dirname(world.stateDir), { recursive: true });
  }
});
