import assert from "node:assert/strict";
import { join } from "node:path";
import { assertReported, BASE_BOTTLE, loadErrors, writeProject } from "./test_helpers.ts";
import { loadProject } from "./loader.ts";
import { resolveWorkspacePath } from "./workspace.ts";

const bottle = (workspace: string): string => `---\nworkspace: ${workspace}\n---\n`;

/** Project files around a `bottles/bad.md` whose `workspace:` is `value`. */
function project(value: string): Record<string, string> {
  return {
    "bottles/dev.md": BASE_BOTTLE,
    "bottles/bad.md": bottle(value),
    "repo/.git/HEAD": "ref: refs/heads/main\n",
    "repo/sub/file.txt": "x",
    "plain/readme.txt": "x",
    "linked/.git": "gitdir: /elsewhere/.git/worktrees/linked\n",
    "file.txt": "x",
  };
}

const CASES: [string, string, string][] = [
  ["a missing path", "../nope", "does not exist"],
  ["a file", "../file.txt", "is not a directory"],
  ["a directory without .git", "../plain", "is not the top of a git work tree"],
  ["a subdirectory of a checkout", "../repo/sub", "is not the top of a git work tree"],
  ["a linked worktree (.git is a file)", "../linked", "linked worktree or a submodule checkout"],
];

for (const [name, value, message] of CASES) {
  Deno.test(`workspace: ${name} is refused at its position, with a hint`, async () => {
    const output = await loadErrors(project(value));
    assertReported(output, "bottles/bad.md:2:12", `\`workspace\`: `);
    assert.match(output, new RegExp(message));
  });
}

Deno.test("workspace: relative to the manifest's directory, real and absolute once loaded", async () => {
  const dir = await writeProject({
    ...project("../repo"),
    "bottles/child.md": "---\nextends: bad\n---\n",
  });
  try {
    const loaded = await loadProject(dir);
    const repo = await Deno.realPath(join(dir, "repo"));
    assert.equal(loaded.bottles.get("bad")?.workspace, repo);
    assert.equal(loaded.bottles.get("child")?.workspace, repo, "inherited through extends");
    assert.equal(loaded.bottles.get("dev")?.workspace, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("workspace: a child of a bottle with a bad workspace is not reported twice", async () => {
  const output = await loadErrors({
    ...project("../plain"),
    "bottles/child.md": "---\nextends: bad\n---\n",
  });
  assert.equal(output.split("\n").filter((line) => line.includes("workspace")).length, 1);
});

Deno.test("workspace path: ~/ is the operator's home, the rest the manifest's directory", () => {
  assert.equal(
    resolveWorkspacePath("~/src/app", "/p/bottles/dev.md", "/home/op"),
    "/home/op/src/app",
  );
  assert.equal(resolveWorkspacePath("~", "/p/bottles/dev.md", "/home/op"), "/home/op");
  assert.equal(resolveWorkspacePath("..", "/p/bottles/dev.md", "/home/op"), "/p");
  assert.equal(resolveWorkspacePath("/abs", "/p/bottles/dev.md", "/home/op"), "/abs");
  assert.equal(resolveWorkspacePath("~x/y", "/p/bottles/dev.md", "/home/op"), "/p/bottles/~x/y");
});
