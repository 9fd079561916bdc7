import { join } from "node:path";
import { assert_, assertEquals } from "../tests/assert.ts";
import type { FileEntry, TreeEntry } from "./confined_wire.ts";
import { byPath, copyEntries, digestTree, hostTree, treeDigest } from "./skill_tree.ts";

async function tree(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "bb-skill-" });
  await Deno.mkdir(join(dir, "scripts"));
  await Deno.writeTextFile(join(dir, "SKILL.md"), "---\nname: s\n---\n");
  await Deno.writeTextFile(join(dir, "scripts", "run.sh"), "#!/bin/sh\n", { mode: 0o755 });
  await Deno.symlink("/etc/hostname", join(dir, "link"));
  return dir;
}

Deno.test("skill tree: a copy's entries keep links as links and exec bits; same digest", async () => {
  const dir = await tree();
  try {
    const copy = copyEntries(hostTree(dir), "s");
    assertEquals(copy.map((entry) => [entry.path, entry.kind]), [
      ["s/SKILL.md", "file"],
      ["s/link", "symlink"],
      ["s/scripts", "directory"],
      ["s/scripts/run.sh", "file"],
    ]);
    const modes = copy.map((entry) => entry.kind === "symlink" ? entry.target : entry.mode);
    assertEquals(modes, [0o644, "/etc/hostname", 0o755, 0o755]);
    const copied = copyEntries(hostTree(dir)) as TreeEntry[];
    assertEquals(digestTree(copied), treeDigest(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("skill tree: content, names, exec bits and link targets all change the digest", async () => {
  const dir = await tree();
  try {
    const seen = new Set([treeDigest(dir)]);
    const change = async (edit: () => Promise<void>): Promise<void> => {
      await edit();
      const digest = treeDigest(dir);
      assert_(!seen.has(digest), "an edit left the digest as it was");
      seen.add(digest);
    };
    await change(() => Deno.writeTextFile(join(dir, "SKILL.md"), "changed"));
    await change(() => Deno.chmod(join(dir, "scripts", "run.sh"), 0o644));
    await change(() => Deno.rename(join(dir, "scripts", "run.sh"), join(dir, "scripts", "r.sh")));
    await change(async () => {
      await Deno.remove(join(dir, "link"));
      await Deno.symlink("/etc/passwd", join(dir, "link"));
    });
    await change(() => Deno.mkdir(join(dir, "empty")));
    assertEquals(seen.size, 6);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("skill tree: the digest is the same whatever the entries' order; unread files have none", () => {
  const file = (path: string): FileEntry => ({
    path,
    kind: "file",
    mode: 0o644,
    bytes: new TextEncoder().encode(path),
  });
  const entries: TreeEntry[] = [
    { path: "a", kind: "directory", mode: 0o755 },
    file("a/x"),
    file("a-b"),
  ];
  assertEquals([...entries].reverse().sort(byPath).map((entry) => entry.path), ["a", "a/x", "a-b"]);
  assertEquals(digestTree([...entries].reverse()), digestTree(entries));
  const unread: TreeEntry = { path: "big", kind: "file", mode: 0o644, bytes: null };
  assertEquals(digestTree([...entries, unread]), null);
});
