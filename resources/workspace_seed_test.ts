import assert from "node:assert/strict";
import { existsSync, lstatSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { copyWorkTree, scratchOf, seedWorkspace, workTreeFiles } from "./workspace_seed.ts";
import { workspaceProvider } from "./workspace.ts";
import type { ProviderContext, ResourceInstance } from "../engine/provider.ts";

async function git(dir: string, ...args: string[]): Promise<string> {
  const output = await new Deno.Command("git", {
    args: ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", ...args],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(output.stderr)}`);
  }
  return text;
}

/** Every regular file under `dir`, without following symlinks. */
function regularFiles(dir: string): string[] {
  return [...Deno.readDirSync(dir)].flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory) return regularFiles(path);
    return entry.isFile ? [path] : [];
  });
}

/** A repository with every kind of path the copy must handle. */
async function operatorRepo(base: string): Promise<string> {
  const repo = join(base, "repo");
  await Deno.mkdir(repo);
  await git(repo, "init", "-q");
  await Deno.writeTextFile(join(repo, "tracked.txt"), "v1\n");
  await Deno.writeTextFile(join(repo, "run.sh"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
  await Deno.mkdir(join(repo, "d"));
  await Deno.writeTextFile(join(repo, "d", "f.txt"), "in d\n");
  await Deno.mkdir(join(repo, "gone"));
  await Deno.writeTextFile(join(repo, "gone", "g.txt"), "deleted later\n");
  await Deno.writeTextFile(join(repo, ".gitignore"), ".env\nnode_modules/\n");
  await Deno.symlink("tracked.txt", join(repo, "link"));
  await git(repo, "add", "-A");
  await git(repo, "commit", "-q", "-m", "first");
  await Deno.writeTextFile(join(repo, "tracked.txt"), "v2 uncommitted\n");
  await Deno.writeTextFile(join(repo, "untracked.txt"), "new\n");
  await Deno.writeTextFile(join(repo, ".env"), "SECRET=hunter2\n");
  await Deno.mkdir(join(repo, "node_modules"));
  await Deno.writeTextFile(join(repo, "node_modules", "x.js"), "x\n");
  // `d` becomes an (ignored) symlink to a directory outside: `d/f.txt` is still in the index.
  await Deno.writeTextFile(join(repo, ".git", "info", "exclude"), "/d\n");
  await Deno.mkdir(join(base, "outside"));
  await Deno.writeTextFile(join(base, "outside", "f.txt"), "outside secret\n");
  await Deno.remove(join(repo, "d"), { recursive: true });
  await Deno.symlink(join(base, "outside"), join(repo, "d"));
  await Deno.remove(join(repo, "gone"), { recursive: true });
  await git(repo, "config", "credential.helper", "store");
  await git(repo, "config", "http.extraheader", "Authorization: Bearer xyz");
  await git(repo, "config", "core.fsmonitor", "/bin/false");
  await git(repo, "remote", "add", "origin", "https://user:tok123@example.invalid/r.git");
  return repo;
}

Deno.test("seed: work tree as it is now, no ignored files, .git with a clean config", async () => {
  const base = await Deno.makeTempDir({ prefix: "bb-seed-" });
  try {
    const repo = await operatorRepo(base);
    await git(repo, "worktree", "add", "-q", join(base, "linked"));
    const target = join(base, "ws");
    await seedWorkspace(repo, target);

    const read = (path: string): string => readFileSync(join(target, path), "utf8");
    assert.equal(read("tracked.txt"), "v2 uncommitted\n");
    assert.equal(read("untracked.txt"), "new\n");
    assert.equal(readlinkSync(join(target, "link")), "tracked.txt");
    assert.equal(lstatSync(join(target, "run.sh")).mode & 0o777, 0o755);
    assert.equal(lstatSync(join(target, "tracked.txt")).mode & 0o111, 0);
    for (const absent of [".env", "node_modules", "gone", "d"]) {
      assert.ok(!existsSync(join(target, absent)), `${absent} must not be copied`);
    }
    // `d/f.txt` lies beyond a symlink now: git counts it deleted, and it is not read.
    const contents = regularFiles(target).map((file) => readFileSync(file, "utf8")).join("\n");
    assert.doesNotMatch(contents, /outside secret|hunter2/);
    assert.ok(!existsSync(join(target, ".git", "worktrees")), "linked worktrees stay behind");
    assert.ok(!existsSync(scratchOf(target)));

    const config = read(".git/config");
    assert.doesNotMatch(config, /tok123|extraheader|credential|fsmonitor|Bearer/i);
    assert.match(config, /url = "https:\/\/example\.invalid\/r\.git"/);
    assert.equal(await git(target, "log", "--format=%s"), "first\n");
    assert.equal(
      await git(target, "status", "--porcelain"),
      await git(repo, "status", "--porcelain"),
    );
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("seed: a repository borrowing objects through alternates gets its own", async () => {
  const base = await Deno.makeTempDir({ prefix: "bb-seed-" });
  try {
    const repo = await operatorRepo(base);
    const borrower = join(base, "borrower");
    await git(base, "clone", "-q", "--shared", repo, borrower);
    // A relative alternates path is relative to the objects directory, not the copy's.
    await Deno.writeTextFile(
      join(borrower, ".git", "objects", "info", "alternates"),
      "../../../repo/.git/objects\n",
    );
    const target = join(base, "ws");
    await seedWorkspace(borrower, target);
    assert.ok(!existsSync(join(target, ".git", "objects", "info", "alternates")));
    await Deno.remove(repo, { recursive: true });
    assert.equal(await git(target, "log", "--format=%s"), "first\n");
    await git(target, "fsck", "--full", "--no-dangling");
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("workTreeFiles: tracked and untracked-not-ignored, deleted ones still listed", async () => {
  const base = await Deno.makeTempDir({ prefix: "bb-seed-" });
  try {
    const repo = await operatorRepo(base);
    const files = (await workTreeFiles(repo)).sort();
    assert.deepEqual(files, [
      ".gitignore",
      "d/f.txt",
      "gone/g.txt",
      "link",
      "run.sh",
      "tracked.txt",
      "untracked.txt",
    ]);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("copyWorkTree: refuses paths that climb out or name .git", async () => {
  const base = await Deno.makeTempDir({ prefix: "bb-seed-" });
  try {
    const source = join(base, "src");
    const target = join(base, "dst");
    await Deno.mkdir(join(source, ".git"), { recursive: true });
    await Deno.mkdir(target);
    await Deno.writeTextFile(join(base, "escape.txt"), "x");
    await Deno.writeTextFile(join(source, ".git", "config"), "[credential]\n");
    await Deno.writeTextFile(join(source, "ok.txt"), "ok");
    copyWorkTree(source, target, ["../escape.txt", "/etc/passwd", ".git/config", "a//b", "ok.txt"]);
    assert.deepEqual([...Deno.readDirSync(target)].map((entry) => entry.name), ["ok.txt"]);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

const ctx: ProviderContext = { stateDir: "/nonexistent", env: {} };

function instance(path: string, source?: string): ResourceInstance {
  return {
    id: "workspace.t",
    type: "workspace",
    bottle: "t",
    inputs: source === undefined ? { path } : { path, source },
    outputs: null,
  };
}

Deno.test("provider: seeds once; a changed source is never a change; crash leftovers go", async () => {
  const base = await Deno.makeTempDir({ prefix: "bb-seed-" });
  try {
    const repo = await operatorRepo(base);
    const target = join(base, "ws");
    await Deno.mkdir(scratchOf(target));
    await Deno.writeTextFile(join(scratchOf(target), "half.txt"), "interrupted copy");
    assert.equal((await workspaceProvider.read(ctx, instance(target, repo))).status, "missing");

    await workspaceProvider.create(ctx, instance(target, repo));
    assert.equal(lstatSync(target).mode & 0o777, 0o700);
    assert.ok(!existsSync(join(target, "half.txt")) && !existsSync(scratchOf(target)));
    assert.equal((await workspaceProvider.read(ctx, instance(target, repo))).status, "found");

    await Deno.writeTextFile(join(target, "agent.txt"), "the agent's work");
    const other = join(base, "other");
    await Deno.mkdir(other);
    await git(other, "init", "-q");
    for (const source of [other, undefined]) {
      const diff = workspaceProvider.diff(
        instance(target, source).inputs,
        instance(target, repo).inputs,
      );
      assert.equal(diff.action, "noop", `source ${source}`);
    }
    await workspaceProvider.create(ctx, instance(target, other));
    assert.equal(readFileSync(join(target, "agent.txt"), "utf8"), "the agent's work");
    const moved = workspaceProvider.diff(instance(`${target}2`).inputs, instance(target).inputs);
    assert.deepEqual([moved.action, moved.forcesReplacement], ["replace", ["path"]]);

    await Deno.mkdir(scratchOf(target));
    await workspaceProvider.delete(ctx, instance(target, repo));
    assert.ok(!existsSync(target) && !existsSync(scratchOf(target)));
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("provider: a seed failing midway leaves no workspace that read would find", async () => {
  const base = await Deno.makeTempDir({ prefix: "bb-seed-" });
  try {
    const repo = await operatorRepo(base);
    // Read only after the work tree is copied: git cannot parse it, so the seed fails there.
    await Deno.writeTextFile(join(repo, ".git", "config.worktree"), "[broken\n");
    const target = join(base, "ws");
    await assert.rejects(workspaceProvider.create(ctx, instance(target, repo)), /config/);
    assert.ok(existsSync(join(scratchOf(target), "tracked.txt")), "it failed midway");
    assert.equal((await workspaceProvider.read(ctx, instance(target))).status, "missing");
    await assert.rejects(workspaceProvider.create(ctx, instance(target, join(base, "nope"))));
    assert.equal((await workspaceProvider.read(ctx, instance(target))).status, "missing");
    await workspaceProvider.create(ctx, instance(target));
    assert.deepEqual([...Deno.readDirSync(target)], []);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
