import { join } from "node:path";
import { assert_, assertEquals } from "../tests/assert.ts";
import { copyTree, treeDigest } from "./skill_tree.ts";

async function tree(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "bb-skill-" });
  await Deno.mkdir(join(dir, "scripts"));
  await Deno.writeTextFile(join(dir, "SKILL.md"), "---\nname: s\n---\n");
  await Deno.writeTextFile(join(dir, "scripts", "run.sh"), "#!/bin/sh\n", { mode: 0o755 });
  await Deno.symlink("/etc/hostname", join(dir, "link"));
  return dir;
}

Deno.test("skill tree: a copy has the same digest; links stay links, exec bits stay", async () => {
  const from = await tree();
  const to = `${from}-copy`;
  try {
    copyTree(from, to);
    assertEquals(treeDigest(to), treeDigest(from));
    assertEquals(await Deno.readLink(join(to, "link")), "/etc/hostname");
    assert_(((await Deno.stat(join(to, "scripts", "run.sh"))).mode! & 0o111) !== 0);
    assertEquals((await Deno.stat(join(to, "SKILL.md"))).mode! & 0o777, 0o644);
  } finally {
    await Deno.remove(from, { recursive: true });
    await Deno.remove(to, { recursive: true });
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
