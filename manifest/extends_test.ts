import { superviseSpec } from "./defaults.ts";
import assert from "node:assert/strict";
import { mergeRaw } from "./extends.ts";
import { assertReported, loadErrors, loadFiles } from "./test_helpers.ts";
import type { BottleManifest } from "./types.ts";

async function bottles(files: Record<string, string>): Promise<Map<string, BottleManifest>> {
  return (await loadFiles(files)).bottles;
}

const BASE = `---
backend: docker
env: {A: base, B: base}
egress:
  allow: [base.example.com]
git:
  github.com: {remote: https://github.com/org/base.git}
git_user: {name: Base, email: base@example.com}
supervise: {enabled: true}
---
base notes
`;

Deno.test("a child with no keys inherits everything but its notes", async () => {
  const found = await bottles({
    "bottles/base.md": BASE,
    "bottles/kid.md": "---\nextends: base\n---\n",
  });
  const base = found.get("base")!;
  const kid = found.get("kid")!;
  assert.deepEqual({ ...kid, name: base.name, file: base.file, notes: base.notes }, {
    ...base,
    extends_chain: ["base"],
  });
  assert.equal(kid.notes, "");
  assert.equal(kid.backend, "docker");
  assert.deepEqual(kid.supervise, superviseSpec({ enabled: true }));
});

Deno.test("env merges per key, the child winning", async () => {
  const kid = (await bottles({
    "bottles/base.md": BASE,
    "bottles/kid.md": "---\nextends: base\nenv: {B: kid, C: kid}\n---\n",
  })).get("kid")!;
  assert.deepEqual(kid.env, { A: "base", B: "kid", C: "kid" });
});

Deno.test("egress, git and supervise are replaced whole", async () => {
  const kid = (await bottles({
    "bottles/base.md": BASE,
    "bottles/kid.md": [
      "---",
      "extends: base",
      "egress: {deny: [bad.example.com]}",
      "git:",
      "  gitlab.com: {remote: https://gitlab.com/org/kid.git}",
      "supervise: {enabled: false}",
      "---",
    ].join("\n"),
  })).get("kid")!;
  assert.deepEqual(kid.egress, { allow: [], deny: ["bad.example.com"], routes: [] });
  assert.deepEqual(Object.keys(kid.git), ["gitlab.com"]);
  assert.deepEqual(kid.supervise, superviseSpec({ enabled: false }));
});

Deno.test("git_user merges per field and backend is the child's when set", async () => {
  const kid = (await bottles({
    "bottles/base.md": BASE,
    "bottles/kid.md":
      "---\nextends: base\nbackend: smolvm\ngit_user: {email: kid@example.com}\n---\n",
  })).get("kid")!;
  assert.deepEqual(kid.git_user, { name: "Base", email: "kid@example.com" });
  assert.equal(kid.backend, "smolvm");
});

Deno.test("chains of any depth resolve, ancestors listed nearest first", async () => {
  const found = await bottles({
    "bottles/a.md": "---\nenv: {LEVEL: a, A: a}\n---\n",
    "bottles/b.md": "---\nextends: a\nenv: {LEVEL: b, B: b}\n---\n",
    "bottles/c.md": "---\nextends: b\nbackend: docker\n---\n",
    "bottles/d.md": "---\nextends: c\nenv: {LEVEL: d}\n---\n",
  });
  const d = found.get("d")!;
  assert.deepEqual(d.extends_chain, ["c", "b", "a"]);
  assert.deepEqual(d.env, { LEVEL: "d", A: "a", B: "b" });
  assert.equal(d.backend, "docker");
  assert.equal(found.get("b")!.backend, "bwrap");
  assert.deepEqual(found.get("a")!.extends_chain, []);
});

Deno.test("resolved bottles share no objects with each other", async () => {
  const found = await bottles({
    "bottles/base.md": BASE,
    "bottles/kid.md": "---\nextends: base\n---\n",
  });
  found.get("kid")!.egress.allow.push("changed.example.com");
  assert.deepEqual(found.get("base")!.egress.allow, ["base.example.com"]);
});

Deno.test("mergeRaw keeps keys neither side wrote absent", () => {
  assert.deepEqual(mergeRaw({}, {}), {});
  assert.deepEqual(mergeRaw({ backend: "docker" }, { extends: "x" }), { backend: "docker" });
  assert.deepEqual(
    mergeRaw({ git_user: { name: "P" } }, { git_user: { email: "c@x" } }),
    { git_user: { name: "P", email: "c@x" } },
  );
});

Deno.test("a bottle extending itself is an error at its extends value", async () => {
  const output = await loadErrors({ "bottles/me.md": "---\nbackend: bwrap\nextends: me\n---\n" });
  assertReported(output, "bottles/me.md:3:10", "bottle `me` extends itself");
});

Deno.test("a cycle is reported once, with its chain", async () => {
  const output = await loadErrors({
    "bottles/a.md": "---\nextends: b\n---\n",
    "bottles/b.md": "---\nextends: c\n---\n",
    "bottles/c.md": "---\nextends: a\n---\n",
    "bottles/d.md": "---\nextends: c\n---\n",
  });
  assertReported(output, "bottles/a.md:2:10", "`extends` forms a cycle: a → b → c → a");
  assert.equal(output.split("\n").filter((line) => line.includes("cycle")).length, 1);
  assert.equal(output.split("\n").length, 2);
});

Deno.test("a two-bottle cycle starts at the name that sorts first", async () => {
  const output = await loadErrors({
    "bottles/zeta.md": "---\nextends: alpha\n---\n",
    "bottles/alpha.md": "---\nbackend: docker\nextends: zeta\n---\n",
  });
  assertReported(output, "bottles/alpha.md:3:10", "alpha → zeta → alpha");
});

Deno.test("a missing parent lists the bottles that exist", async () => {
  const output = await loadErrors({
    "bottles/base.md": BASE,
    "bottles/other.md": BASE,
    "bottles/kid.md": "---\nextends: bsae\n---\n",
  });
  assertReported(output, "bottles/kid.md:2:10", "extends `bsae`, which does not exist");
  assert.match(output, /did you mean `base`\?/);
  assert.match(output, /hint: bottles that exist: base, other$/m);
});

Deno.test("a non-string extends is an error", async () => {
  const output = await loadErrors({
    "bottles/base.md": BASE,
    "bottles/kid.md": "---\nextends:\n  - base\n---\n",
  });
  assertReported(output, "bottles/kid.md:3:3", "`extends` must be a string, not a list");
  const number = await loadErrors({
    "bottles/base.md": BASE,
    "bottles/kid.md": "---\nextends: 7\n---\n",
  });
  assertReported(number, "bottles/kid.md:2:10", "`extends` must be a string, not a number");
});

Deno.test("a child of an invalid parent reports only the parent's errors", async () => {
  const output = await loadErrors({
    "bottles/base.md": "---\nbackend: nope\n---\n",
    "bottles/kid.md": "---\nextends: base\n---\n",
  });
  assertReported(output, "bottles/base.md:2:10", "`backend` must be one of");
  assert.doesNotMatch(output, /kid\.md/);
});
