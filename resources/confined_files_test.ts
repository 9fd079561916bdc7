/**
 * confined_files.ts against real bwrap, on a home the "agent" (the sandbox owner) has made
 * hostile: symlinks to a host canary at files, at their `.tmp`, at a directory above them,
 * a FIFO, a link to /dev/zero, a huge file, names with newlines. The canary must never be
 * read, written or created in.
 */
import { join } from "node:path";
import { assert_, assertEquals, assertRejects } from "../tests/assert.ts";
import { giveToAgent, ownedTempDir } from "../tests/owned_dir.ts";
import {
  clearDirectory,
  readFiles,
  readTree,
  removePaths,
  replaceTree,
  writeFiles,
} from "./confined_files.ts";
import type { WriteEntry } from "./confined_wire.ts";
import { sandboxOwner } from "../backends/bwrap/owner.ts";

const TOKEN = `canary-${crypto.randomUUID()}`;
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

interface Scene {
  home: string;
  canary: string;
  canaryDir: string;
  /** The canary's bytes and mtime, and the canary dir's entries: they must never change. */
  untouched(): void;
  done(): Promise<void>;
}

async function scene(): Promise<Scene> {
  const home = await ownedTempDir();
  const host = await Deno.makeTempDir({ prefix: "bb-canary-" });
  const canary = join(host, "canary.json");
  const canaryDir = join(host, "dir");
  await Deno.writeTextFile(canary, JSON.stringify({ token: TOKEN }));
  await Deno.mkdir(canaryDir);
  const mtime = (await Deno.stat(canary)).mtime?.getTime();
  return {
    home,
    canary,
    canaryDir,
    untouched: (): void => {
      assertEquals(Deno.readTextFileSync(canary), JSON.stringify({ token: TOKEN }));
      assertEquals(Deno.statSync(canary).mtime?.getTime(), mtime);
      assertEquals([...Deno.readDirSync(canaryDir)].map((entry) => entry.name), []);
    },
    done: async (): Promise<void> => {
      await Deno.remove(home, { recursive: true });
      await Deno.remove(host, { recursive: true });
    },
  };
}

function mkfifo(path: string): void {
  const output = new Deno.Command("mkfifo", { args: [path] }).outputSync();
  assert_(output.success, "mkfifo failed");
}

Deno.test("confined read: links, a FIFO, /dev/zero and a huge file are reported, never opened", async () => {
  const s = await scene();
  try {
    await Deno.mkdir(join(s.home, "a"));
    await Deno.writeTextFile(join(s.home, "a", "plain"), "mine", { mode: 0o640 });
    await Deno.symlink(s.canary, join(s.home, "a", "link"));
    mkfifo(join(s.home, "a", "fifo"));
    await Deno.symlink("/dev/zero", join(s.home, "a", "zero"));
    await Deno.writeFile(join(s.home, "a", "huge"), new Uint8Array());
    await Deno.truncate(join(s.home, "a", "huge"), 200 << 20);
    await Deno.symlink(s.canaryDir, join(s.home, "up"));
    await Deno.writeTextFile(join(s.canaryDir, "x"), TOKEN);
    await giveToAgent(s.home);
    const started = Date.now();
    const reads = await readFiles(s.home, [
      "a/plain",
      "a/link",
      "a/fifo",
      "a/zero",
      "a/huge",
      "a",
      "a/none",
      "up/x",
    ]);
    assert_(Date.now() - started < 10_000, "the read took too long");
    assertEquals(Object.fromEntries(reads), {
      "a/plain": { kind: "file", bytes: text("mine"), mode: 0o640 },
      "a/link": { kind: "not-regular", what: "a symlink" },
      "a/fifo": { kind: "not-regular", what: "a FIFO" },
      "a/zero": { kind: "not-regular", what: "a symlink" },
      "a/huge": { kind: "not-regular", what: `too large (${200 << 20} bytes)` },
      a: { kind: "directory" },
      "a/none": { kind: "missing" },
      "up/x": { kind: "not-regular", what: "behind up, which is a symlink" },
    });
    const small = await readFiles(s.home, ["a/plain"], { file: 3, total: 100 });
    assertEquals(small.get("a/plain"), { kind: "not-regular", what: "too large (4 bytes)" });
    await Deno.remove(join(s.canaryDir, "x"));
    s.untouched();
  } finally {
    await s.done();
  }
});

Deno.test("confined write: links at files, at their .tmp and above them are replaced, not followed", async () => {
  const s = await scene();
  const owner = sandboxOwner();
  try {
    await Deno.symlink(s.canary, join(s.home, ".gitconfig"));
    await Deno.symlink(s.canary, join(s.home, ".gitconfig.tmp"));
    await Deno.symlink(s.canaryDir, join(s.home, ".bot-bottle"));
    await Deno.mkdir(join(s.home, "cfg", "settings.json"), { recursive: true });
    await Deno.writeTextFile(join(s.home, "cfg", "settings.json", "keep"), "x");
    mkfifo(join(s.home, "cfg", "fifo.json"));
    await Deno.symlink(s.canary, join(s.home, "cfg", "fifo.json.tmp"));
    await giveToAgent(s.home);
    const entries: (WriteEntry & { mode: number })[] = [
      { path: ".gitconfig", kind: "file", mode: 0o600, bytes: text("[user]\n") },
      { path: ".bot-bottle/agents/a", kind: "directory", mode: 0o700 },
      { path: ".bot-bottle/agents/a/prompt.md", kind: "file", mode: 0o600, bytes: text("p") },
      { path: "cfg/settings.json", kind: "file", mode: 0o644, bytes: text("{}") },
      { path: "cfg/fifo.json", kind: "file", mode: 0o600, bytes: text("{}") },
    ];
    await writeFiles(s.home, entries);
    s.untouched();
    for (const entry of entries) {
      const info = await Deno.lstat(join(s.home, entry.path));
      assert_(entry.kind === "file" ? info.isFile : info.isDirectory, `${entry.path} is wrong`);
      assertEquals(info.uid, owner.uid, `${entry.path} belongs to the agent`);
      assertEquals(info.mode! & 0o7777, entry.mode);
      if (entry.kind === "file") {
        assertEquals(await Deno.readFile(join(s.home, entry.path)), entry.bytes);
      }
    }
    assertEquals(await Deno.lstat(join(s.home, ".gitconfig.tmp")).catch(() => null), null);
    const reads = await readFiles(s.home, entries.map((entry) => entry.path));
    assert_([...reads.values()].every((read) => read.kind === "file" || read.kind === "directory"));
  } finally {
    await s.done();
  }
});

Deno.test("confined tree: every entry, names with newlines, links as targets; replace and remove", async () => {
  const s = await scene();
  try {
    const root = join(s.home, "skills");
    await Deno.mkdir(join(root, "k", "deep"), { recursive: true });
    await Deno.writeTextFile(join(root, "k", "line\nbreak"), "nl");
    await Deno.writeTextFile(join(root, "k", "deep", "big"), "0123456789");
    await Deno.symlink(s.canaryDir, join(root, "k", "hostdir"));
    await Deno.symlink(s.canary, join(root, "k", "hostfile"));
    mkfifo(join(root, "k", "fifo"));
    await giveToAgent(s.home);
    const tree = await readTree(s.home, "skills", { file: 4, total: 1 << 20 });
    assert_(tree.kind === "tree");
    assertEquals(tree.problems, []);
    assertEquals(
      tree.entries.map((entry) => [entry.path, entry.kind]),
      [
        ["k", "directory"],
        ["k/deep", "directory"],
        ["k/deep/big", "file"],
        ["k/fifo", "other"],
        ["k/hostdir", "symlink"],
        ["k/hostfile", "symlink"],
        ["k/line\nbreak", "file"],
      ],
    );
    const big = tree.entries.find((entry) => entry.path === "k/deep/big");
    assertEquals(big?.kind === "file" ? big.bytes : undefined, null);
    const link = tree.entries.find((entry) => entry.path === "k/hostfile");
    assertEquals(link?.kind === "symlink" ? link.target : "", s.canary);

    await Deno.remove(root, { recursive: true });
    await Deno.symlink(s.canaryDir, root);
    assertEquals(await readTree(s.home, "skills"), { kind: "not-regular", what: "a symlink" });
    await replaceTree(s.home, "skills", [
      { path: "n", kind: "directory", mode: 0o755 },
      { path: "n/SKILL.md", kind: "file", mode: 0o644, bytes: text("hi") },
      { path: "n/l", kind: "symlink", target: s.canary },
    ]);
    s.untouched();
    assert_((await Deno.lstat(root)).isDirectory);
    const replaced = await readTree(s.home, "skills");
    assert_(replaced.kind === "tree");
    assertEquals(replaced.entries.map((entry) => entry.path), ["n", "n/SKILL.md", "n/l"]);

    await Deno.symlink(s.canaryDir, join(root, "n", "inner"));
    await Deno.writeTextFile(join(s.canaryDir, "x"), TOKEN);
    await Deno.symlink(s.canaryDir, join(s.home, "up"));
    await giveToAgent(s.home);
    await removePaths(s.home, ["skills", "up/x"]);
    assertEquals(await Deno.lstat(root).catch(() => null), null);
    assertEquals(Deno.readTextFileSync(join(s.canaryDir, "x")), TOKEN);
    await Deno.remove(join(s.canaryDir, "x"));
    s.untouched();
  } finally {
    await s.done();
  }
});

Deno.test("confined clear: the agent's read-only directories go too; links are not followed", async () => {
  const s = await scene();
  try {
    await Deno.mkdir(join(s.home, "ro", "sub"), { recursive: true });
    await Deno.writeTextFile(join(s.home, "ro", "sub", "f"), "x");
    await Deno.symlink(s.canaryDir, join(s.home, "ro", "link"));
    await giveToAgent(s.home);
    await Deno.chmod(join(s.home, "ro", "sub"), 0o500);
    await Deno.chmod(join(s.home, "ro"), 0o500);
    await clearDirectory(s.home);
    assertEquals([...Deno.readDirSync(s.home)], []);
    s.untouched();
  } finally {
    await s.done();
  }
});

Deno.test("confined bounds: a big tree is cut short and says so; a locked directory is reopened", async () => {
  const s = await scene();
  try {
    await Deno.mkdir(join(s.home, "t"));
    for (let i = 0; i < 50; i++) {
      await Deno.writeTextFile(join(s.home, "t", `f${i}`), "x".repeat(10));
    }
    await Deno.mkdir(join(s.home, "locked", "inner"), { recursive: true });
    await giveToAgent(s.home);
    await Deno.chmod(join(s.home, "locked"), 0o000);
    const tree = await readTree(s.home, "t", { file: 100, total: 200 });
    assert_(tree.kind === "tree");
    assert_(tree.entries.length < 50, `${tree.entries.length} entries`);
    assertEquals(tree.problems, ['"." is unreadable (more than 200 bytes)']);
    await removePaths(s.home, ["locked/inner"]);
    assertEquals([...Deno.readDirSync(join(s.home, "locked"))], []);
  } finally {
    await s.done();
  }
});

Deno.test("confined: a path that is not plain is refused before anything runs", async () => {
  await assertRejects(() => readFiles("/nonexistent", ["../etc/passwd"]), /not a plain relative/);
  await assertRejects(() => removePaths("/nonexistent", ["/etc"]), /not a plain relative/);
});
