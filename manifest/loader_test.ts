import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ManifestErrors } from "./errors.ts";
import { loadProject } from "./loader.ts";
import {
  assertReported,
  BASE_BOTTLE,
  loadErrors,
  loadFiles,
  writeProject,
} from "./test_helpers.ts";

const AGENT = "---\nprovider: claude\nbottle: dev\n---\n\nReview the code.\n";

Deno.test("the examples load", async () => {
  const dir = fileURLToPath(new URL("../examples", import.meta.url));
  const project = await loadProject(dir);
  const dev = project.bottles.get("dev")!;
  assert.equal(dev.backend, "bwrap");
  assert.equal(dev.file, join(project.dir, "bottles", "dev.md"));
  assert.deepEqual(dev.egress.allow, ["example.com", "registry.npmjs.org"]);
  assert.deepEqual(dev.egress.deny, ["*.internal"]);
  assert.deepEqual(dev.env, { EDITOR: "vi" });
  assert.ok(dev.git_user?.name && dev.git_user.email);
  const reviewer = project.agents.get("reviewer")!;
  assert.equal(reviewer.provider, "claude");
  assert.equal(reviewer.bottle, "dev");
  assert.ok(reviewer.prompt.split("\n").length >= 3);
});

Deno.test("a project loads bottles and agents with their bodies", async () => {
  const project = await loadFiles({
    "bottles/dev.md": `${BASE_BOTTLE}\n# Dev\n`,
    "agents/rev.md": AGENT,
  });
  assert.deepEqual([...project.bottles.keys()], ["dev"]);
  assert.equal(project.bottles.get("dev")!.notes, "# Dev");
  assert.deepEqual(project.agents.get("rev"), {
    name: "rev",
    file: join(project.dir, "agents", "rev.md"),
    provider: "claude",
    bottle: "dev",
    skills: [],
    mcpServers: {},
    prompt: "Review the code.",
  });
});

Deno.test("the project dir is the real path and a missing agents dir is fine", async () => {
  const dir = await writeProject({ "bottles/dev.md": BASE_BOTTLE });
  const link = `${dir}-link`;
  await Deno.symlink(dir, link);
  try {
    const project = await loadProject(link);
    assert.equal(project.dir, await Deno.realPath(dir));
    assert.equal(project.agents.size, 0);
  } finally {
    await Deno.remove(link);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("other files and directories are ignored; names are sorted", async () => {
  const project = await loadFiles({
    "bottles/zed.md": BASE_BOTTLE,
    "bottles/abc.md": BASE_BOTTLE,
    "bottles/README.txt": "not a manifest",
    "bottles/sub.md/inner.md": "ignored",
  });
  assert.deepEqual([...project.bottles.keys()], ["abc", "zed"]);
});

Deno.test("a project without bottles is an error with a hint", async () => {
  assertReported(await loadErrors({ "agents/rev.md": AGENT }), "bottles", "no bottles");
  assertReported(await loadErrors({ "bottles/notes.txt": "x" }), "bottles", "no bottles");
});

Deno.test("a missing project directory is an error", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.remove(dir);
  await assert.rejects(loadProject(dir), (error: unknown) => {
    assert.ok(error instanceof ManifestErrors);
    assert.match(error.format(), /manifest directory not found\n {2}hint: /);
    return true;
  });
});

Deno.test("file names must be valid manifest names", async () => {
  const long = "a".repeat(32);
  const output = await loadErrors({
    "bottles/dev.md": BASE_BOTTLE,
    "bottles/Dev2.md": BASE_BOTTLE,
    "bottles/2nd.md": BASE_BOTTLE,
    [`bottles/${long}.md`]: BASE_BOTTLE,
    "agents/my_agent.md": AGENT,
  });
  assertReported(output, "bottles/Dev2.md:1:1", "`Dev2` is not a valid manifest name");
  assertReported(output, "bottles/2nd.md:1:1", "`2nd` is not a valid manifest name");
  assertReported(output, `bottles/${long}.md:1:1`, "is not a valid manifest name");
  assertReported(output, "agents/my_agent.md:1:1", "`my_agent` is not a valid manifest name");
  assert.ok((await loadFiles({ [`bottles/${"a".repeat(31)}.md`]: BASE_BOTTLE })).bottles.size);
});

Deno.test("errors from every file are collected into one ManifestErrors", async () => {
  const output = await loadErrors({
    "bottles/dev.md": "---\nbackend: vm\n---\n",
    "bottles/ok.md": BASE_BOTTLE,
    "bottles/bad.md": "no frontmatter\n",
    "agents/one.md": "---\nprovider: claude\n---\n",
    "agents/two.md": "---\nprovider: codex\nbottle: nope\n---\n",
  });
  assertReported(output, "agents/one.md:2:1", "missing required key `bottle` in agent");
  assertReported(output, "agents/two.md:3:9", "uses bottle `nope`, which does not exist");
  assertReported(output, "bottles/bad.md:1:1", "missing YAML frontmatter");
  assertReported(output, "bottles/dev.md:2:10", "`backend` must be one of");
  assert.match(output, /hint: bottles that exist: bad, dev, ok$/m);
  assert.equal(output.split("\n").length, 8);
});

Deno.test("paths are shown relative to the cwd only when under it", async () => {
  const dir = await writeProject({ "bottles/dev.md": "---\nbackend: vm\n---\n" });
  try {
    const error = await loadProject(dir).then(() => undefined, (error: unknown) => error);
    assert.ok(error instanceof ManifestErrors);
    const real = await Deno.realPath(dir);
    assert.match(error.format(real), /^bottles\/dev\.md:2:10: /);
    assert.match(error.format(join(real, "agents")), /^\/.*\/bottles\/dev\.md:2:10: /);
    assert.equal(error.errors[0].file, join(real, "bottles", "dev.md"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
