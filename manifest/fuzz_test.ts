/**
 * The manifest fuzzer: seeded mutations of the examples through loadProject and
 * compileProject. Every case must be accepted or end in located ManifestErrors (or an
 * unavailable secret, which plan reports); any other exception, a hang or a blow-up fails.
 * FUZZ_SEED and FUZZ_CASES reproduce or widen a run.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { compileProject } from "../resources/mod.ts";
import { readSecret, SecretUnavailable } from "../resources/secret_source.ts";
import { ManifestErrors } from "./errors.ts";
import { MUTATIONS, prng } from "./fuzz/mutations.ts";
import { loadProject } from "./loader.ts";

const EXAMPLES = new URL("../examples/", import.meta.url).pathname;
const BOTTLE = Deno.readTextFileSync(join(EXAMPLES, "bottles/dev.md"));
const AGENT = Deno.readTextFileSync(join(EXAMPLES, "agents/reviewer.md"));
const CASES = Number(Deno.env.get("FUZZ_CASES") ?? 1000);
const SEED = Number(Deno.env.get("FUZZ_SEED") ?? Date.now() % 1_000_000);
const CASE_MS = 5000;
const RSS_LIMIT = 1.5 * 1024 ** 3;

function mutate(text: string, random: () => number): string {
  let out = text;
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    out = MUTATIONS[Math.floor(random() * MUTATIONS.length)](out, random);
  }
  return out;
}

async function runCase(root: string, random: () => number): Promise<string | null> {
  const dir = join(root, `case-${Math.floor(random() * 1e9)}`);
  await Deno.mkdir(join(dir, "bottles"), { recursive: true });
  await Deno.mkdir(join(dir, "agents"), { recursive: true });
  await Deno.symlink(join(EXAMPLES, "skills"), join(dir, "skills"));
  const fill = (text: string): string =>
    text.replaceAll("@FIFO@", join(root, "fifo")).replaceAll("@LOOP@", join(root, "loop1"));
  const mutateAgent = random() < 0.3;
  await Deno.writeTextFile(
    join(dir, "bottles/dev.md"),
    fill(mutateAgent ? BOTTLE : mutate(BOTTLE, random)),
  );
  await Deno.writeTextFile(
    join(dir, "agents/reviewer.md"),
    fill(mutateAgent ? mutate(AGENT, random) : AGENT),
  );
  if (random() < 0.2) {
    await Deno.writeTextFile(join(dir, "bottles/bad.md"), fill(mutate(BOTTLE, random)));
  }
  try {
    const project = await loadProject(dir, { backends: ["bwrap"] });
    compileProject(project, {
      stateDir: join(root, "state"),
      project: root,
      home: root,
      cacheDir: join(root, "cache"),
      describeSecret: (_bottle, route) => {
        const value = readSecret(route.auth.secret, {});
        return { placeholder: "bb_fuzz", fingerprint: String(value.length) };
      },
      fingerprintSecret: (_bottle, secret) => String(secret.read({}).length),
      hostKeys: (_bottle, upstream) => `${upstream.host} ssh-ed25519 AAAA`,
    });
    return null;
  } catch (error) {
    if (error instanceof SecretUnavailable) return null;
    if (error instanceof ManifestErrors) {
      const unlocated = error.errors.filter((e) =>
        e.file === "" || (e.line === undefined && !/cannot read|no bottles/.test(e.message))
      );
      return unlocated.length === 0
        ? null
        : `unlocated: ${unlocated.map((e) => e.format()).join("\n")}`;
    }
    return `${error instanceof Error ? error.name : typeof error}: ${
      error instanceof Error ? error.stack : String(error)
    }`;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test(`manifest fuzzer (seed ${SEED}, ${CASES} cases)`, async () => {
  const root = await Deno.makeTempDir({ prefix: "manifest-fuzz-" });
  new Deno.Command("mkfifo", { args: [join(root, "fifo")] }).outputSync();
  await Deno.symlink(join(root, "loop2"), join(root, "loop1"));
  await Deno.symlink(join(root, "loop1"), join(root, "loop2"));
  const started = performance.now();
  try {
    for (let index = 0; index < CASES; index++) {
      const caseSeed = SEED * 100_003 + index;
      const begun = performance.now();
      const failure = await runCase(root, prng(caseSeed));
      const elapsed = performance.now() - begun;
      const where = `FUZZ_SEED=${SEED} case ${index} (prng seed ${caseSeed})`;
      assert.equal(failure, null, `${where}: ${failure}`);
      assert.ok(elapsed < CASE_MS, `${where}: took ${Math.round(elapsed)} ms`);
      assert.ok(Deno.memoryUsage().rss < RSS_LIMIT, `${where}: rss ${Deno.memoryUsage().rss}`);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
  console.log(`fuzz: ${CASES} cases in ${Math.round(performance.now() - started)} ms`);
});
