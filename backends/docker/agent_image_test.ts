import { assert_, assertEquals, assertMatch } from "../../tests/assert.ts";
import {
  agentImageInputs,
  agentImageLabels,
  agentImageTag,
  buildArgs,
  type ContextFile,
  contextFiles,
  contextHash,
  IMAGE_CONTEXT,
  repositoryPart,
} from "./agent_image.ts";
import { BASE_ENV, baseImageTag } from "./base_image.ts";
import { LABELS, ownedBy } from "./labels.ts";

const OWNER = { project: "/p", bottle: "dev", stateDb: "/state/state.db" };
/** A Docker image reference: lower-case path components, then a tag. */
const REFERENCE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function file(path: string, text: string, executable = false): ContextFile {
  return { path, content: new TextEncoder().encode(text), executable };
}

Deno.test("agent image: the context hash ignores file order, sees names, bytes, mode and base", () => {
  const files = [file("Dockerfile", "FROM x\n"), file("bin/door", "#!/bin/sh\n", true)];
  const hash = contextHash(files, "base:1");
  assertMatch(hash, /^[0-9a-f]{64}$/);
  assertEquals(contextHash([...files].reverse(), "base:1"), hash);
  assert_(contextHash(files, "base:2") !== hash, "base");
  assert_(contextHash([files[0], file("bin/door", "#!/bin/sh\n")], "base:1") !== hash, "mode");
  assert_(contextHash([files[0], file("bin/door", "#!/bin/bash\n", true)], "base:1") !== hash);
  assert_(contextHash([files[0], file("bin/dor", "#!/bin/sh\n", true)], "base:1") !== hash);
  assert_(contextHash([files[0]], "base:1") !== hash, "a file fewer");
});

Deno.test("agent image: the context's files, recursively, with the executable bit", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/Dockerfile`, "FROM x\n");
    Deno.mkdirSync(`${dir}/bin`);
    Deno.writeTextFileSync(`${dir}/bin/door`, "#!/bin/sh\n", { mode: 0o755 });
    const found = contextFiles(dir);
    const listed = found.map((f) => `${f.path} ${f.executable ? "x" : "-"}`).sort();
    assertEquals(listed, ["Dockerfile -", "bin/door x"]);
    const inputs = agentImageInputs({ [BASE_ENV]: "mine:1" }, dir);
    assertEquals(inputs, { base: "mine:1", contextHash: contextHash(found, "mine:1") });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("agent image: the repository's Dockerfile builds on ours unless told otherwise", () => {
  const names = contextFiles(IMAGE_CONTEXT).map((f) => f.path);
  assert_(names.includes("Dockerfile"));
  assertEquals(agentImageInputs({}).base, baseImageTag({}));
  assertEquals(agentImageInputs({ [BASE_ENV]: "other:2" }).base, "other:2");
});

Deno.test("agent image: tag per bottle, project and state database; a valid reference", () => {
  const hash = "a".repeat(64);
  const tag = agentImageTag(OWNER, hash);
  assertMatch(tag, /^bot-bottle-agent-dev:[0-9a-f]{12}$/);
  assertMatch(tag, REFERENCE);
  assertEquals(agentImageTag(OWNER, hash), tag);
  const others = [
    agentImageTag(OWNER, "b".repeat(64)),
    agentImageTag({ ...OWNER, project: "/q" }, hash),
    agentImageTag({ ...OWNER, stateDb: "/other/state.db" }, hash),
  ];
  assertEquals(new Set([tag, ...others]).size, 4);
  for (const name of ["dev-", "Dev", "a_b", "-x", "", "x--y"]) {
    assertMatch(agentImageTag({ ...OWNER, bottle: name }, hash), REFERENCE, name);
  }
});

Deno.test("agent image: a name that must change gets a hash, so two names never meet", () => {
  assertEquals(repositoryPart("dev"), "dev");
  assertEquals(repositoryPart("my-bottle-2"), "my-bottle-2");
  assertMatch(repositoryPart("dev-"), /^dev-[0-9a-f]{8}$/);
  assert_(repositoryPart("Dev") !== repositoryPart("dev"));
  assert_(repositoryPart("dev-") !== repositoryPart("dev"));
  assertMatch(repositoryPart(""), /^bottle-[0-9a-f]{8}$/);
});

Deno.test("agent image: built offline, labelled as the bottle's with its content hash", () => {
  const inputs = { base: "bot-bottle-base:0123456789ab", contextHash: "c".repeat(64) };
  const labels = agentImageLabels(OWNER, inputs.contextHash);
  assert_(ownedBy(labels, OWNER, "image"));
  assertEquals(labels[LABELS.contentHash], inputs.contextHash);
  const args = buildArgs("t:1", OWNER, inputs, "/ctx/");
  assertEquals(args.slice(0, 8), [
    "build",
    "--network",
    "none",
    "--pull=false",
    "--force-rm",
    "--quiet",
    "-t",
    "t:1",
  ]);
  assertEquals(args.at(-1), "/ctx/");
  assert_(args.includes("BASE=bot-bottle-base:0123456789ab"));
  assert_(args.includes(`${LABELS.contentHash}=${inputs.contextHash}`));
  assert_(args.includes(`${LABELS.role}=image`));
});
