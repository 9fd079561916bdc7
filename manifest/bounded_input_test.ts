import assert from "node:assert/strict";
import { join } from "node:path";
import { loadProject } from "./loader.ts";
import { ManifestErrors } from "./errors.ts";
import { assertReported, BASE_BOTTLE, loadErrors, writeProject } from "./test_helpers.ts";

const bottle = (yaml: string): Record<string, string> => ({
  "bottles/bad.md": `---\n${yaml}\n---\n`,
});

Deno.test("deep flow nesting is a located error, not a stack overflow", async () => {
  const out = await loadErrors(bottle(`env: ${"[".repeat(900)}${"]".repeat(900)}`));
  assertReported(out, "bottles/bad.md:2:261", "nesting is too deep");
});

Deno.test("nesting past the limit is located at the too-deep collection", async () => {
  const out = await loadErrors(bottle(`env: ${"[".repeat(70)}${"]".repeat(70)}`));
  assertReported(out, "bottles/bad.md:2:69", "nesting is deeper than 64 levels");
});

Deno.test("a self-referential alias is a located error", async () => {
  const out = await loadErrors(bottle("backend: bwrap\nenv: &a {X: *a}"));
  assertReported(out, "bottles/bad.md:3:13", "the alias `*a` refers to a collection");
});

Deno.test("alias expansion is bounded", async () => {
  const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 8; i++) {
    lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]`);
  }
  const out = await loadErrors(bottle(`env:\n  X: ${"y"}\nextra: {${lines.join(", ")}}`));
  assert.match(out, /bottles\/bad\.md:\d+:\d+: /);
});

Deno.test("a stray `---` before the frontmatter is an error, not an empty config", async () => {
  const out = await loadErrors({
    "bottles/bad.md": "---\n---\nbackend: bwrap\negress:\n  allow: [example.com]\n---\nnotes\n",
  });
  assertReported(out, "bottles/bad.md:2:1", "the frontmatter is empty");
});

Deno.test("a second `---` block of keys after the frontmatter is an error", async () => {
  const out = await loadErrors({
    "bottles/bad.md": "---\nbackend: bwrap\n---\n---\negress:\n  allow: [example.com]\n---\n",
  });
  assertReported(out, "bottles/bad.md:4:1", "a second `---` block");
});

Deno.test("an empty frontmatter followed by prose is still accepted", async () => {
  const dir = await writeProject({ "bottles/dev.md": "---\n---\n# dev\n\nNotes: prose.\n" });
  try {
    assert.equal((await loadProject(dir)).bottles.get("dev")?.backend, "bwrap");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("unknown DLP rule ids are errors at the key, with a suggestion", async () => {
  const out = await loadErrors(
    bottle("egress:\n  dlp:\n    rules:\n      jwt: {action: warn}\n      jwtt: {action: warn}"),
  );
  assertReported(out, "bottles/bad.md:6:7", "`jwtt` is not a DLP rule; did you mean `jwt`?");
  assert.doesNotMatch(out, /:5:7/);
});

Deno.test("invalid UTF-8 is a located error", async () => {
  const dir = await writeProject({ "bottles/bad.md": BASE_BOTTLE });
  const text = new TextEncoder().encode('---\nbackend: bwrap\nenv: {A: "x');
  await Deno.writeFile(
    join(dir, "bottles/bad.md"),
    new Uint8Array([...text, 0xff, ...new TextEncoder().encode('"}\n---\n')]),
  );
  try {
    await loadProject(dir);
    assert.fail("accepted invalid UTF-8");
  } catch (error) {
    assert.ok(error instanceof ManifestErrors, String(error));
    assertReported(error.format(await Deno.realPath(dir)), "bottles/bad.md:3:12", "invalid UTF-8");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("NUL and control characters in values and keys are located errors", async () => {
  assertReported(
    await loadErrors(bottle('backend: bwrap\nenv: {A: "x\\0y"}')),
    "bottles/bad.md:3:10",
    "U+0000 (NUL)",
  );
  assertReported(
    await loadErrors(bottle('env: {A: "x\\ey"}')),
    "bottles/bad.md:2:10",
    "U+001B",
  );
  assertReported(
    await loadErrors({
      "bottles/dev.md": BASE_BOTTLE,
      "agents/bad.md":
        '---\nprovider: claude\nbottle: dev\nrun_command: [x, "{prompt}", "a\\0"]\n---\n',
    }),
    "agents/bad.md:4:30",
    "NUL",
  );
});

Deno.test("a very long value is refused before any suggestion is computed", async () => {
  const started = performance.now();
  const out = await loadErrors(bottle(`backend: ${"x".repeat(200_000)}`));
  assertReported(out, "bottles/bad.md:2:10", "longer than the limit");
  const agent = await loadErrors({
    "bottles/dev.md": BASE_BOTTLE,
    "agents/bad.md": `---\nprovider: claude\nbottle: ${"y".repeat(200_000)}\n---\n`,
  });
  assertReported(agent, "agents/bad.md:3:9", "longer than the limit");
  assert.ok(performance.now() - started < 3000);
});

Deno.test("a manifest over the size limit is refused before it is parsed", async () => {
  const out = await loadErrors({ "bottles/bad.md": `${BASE_BOTTLE}${"x".repeat(300_000)}` });
  assert.match(out, /bottles\/bad\.md: cannot read: \d+ bytes, more than the limit/);
  assert.doesNotMatch(out, /no bottles/);
});

Deno.test("a FIFO or a device as a manifest is an error, never a hang", async () => {
  const dir = await writeProject({ "bottles/dev.md": BASE_BOTTLE });
  new Deno.Command("mkfifo", { args: [join(dir, "bottles/fifo.md")] }).outputSync();
  await Deno.symlink("/dev/zero", join(dir, "bottles/zero.md"));
  try {
    await loadProject(dir);
    assert.fail("accepted");
  } catch (error) {
    assert.ok(error instanceof ManifestErrors, String(error));
    const out = error.format(await Deno.realPath(dir));
    assert.match(out, /bottles\/fifo\.md: cannot read: a FIFO/);
    assert.match(out, /bottles\/zero\.md: cannot read: a character device/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an unavailable backend is an error at plan, located at `backend:`", async () => {
  const dir = await writeProject({ "bottles/bad.md": "---\nbackend: docker\n---\n" });
  try {
    await loadProject(dir, { backends: ["bwrap"] });
    assert.fail("accepted");
  } catch (error) {
    assert.ok(error instanceof ManifestErrors, String(error));
    assertReported(
      error.format(await Deno.realPath(dir)),
      "bottles/bad.md:2:10",
      "the `docker` backend is not available",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("upstream_ca_file: devices, FIFOs, loops and non-PEM files are located errors", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ca-files-" });
  new Deno.Command("mkfifo", { args: [join(dir, "fifo")] }).outputSync();
  await Deno.symlink(join(dir, "loop2"), join(dir, "loop1"));
  await Deno.symlink(join(dir, "loop1"), join(dir, "loop2"));
  await Deno.writeTextFile(join(dir, "not.pem"), "hello\n");
  try {
    for (
      const [path, message] of [
        ["/dev/zero", "a character device"],
        [join(dir, "fifo"), "a FIFO"],
        [join(dir, "loop1"), "symbolic links"],
        [join(dir, "not.pem"), "holds no PEM certificate"],
      ]
    ) {
      const started = performance.now();
      const out = await loadErrors(
        bottle(`egress:\n  routes:\n    - host: api.test\n      upstream_ca_file: ${path}`),
      );
      assertReported(out, "bottles/bad.md:5:25", message);
      assert.match(out, /upstream_ca_file/);
      assert.ok(performance.now() - started < 2000);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a 2000-long extends chain resolves in linear time", async () => {
  const files: Record<string, string> = { "bottles/b0.md": BASE_BOTTLE };
  for (let i = 1; i < 2000; i++) files[`bottles/b${i}.md`] = `---\nextends: b${i - 1}\n---\n`;
  const dir = await writeProject(files);
  try {
    const started = performance.now();
    const project = await loadProject(dir);
    const elapsed = performance.now() - started;
    assert.equal(project.bottles.get("b1999")?.extends_chain.length, 1999);
    assert.ok(elapsed < 3000, `${Math.round(elapsed)} ms`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
