/**
 * `bottle cleanup` against real orphans of every kind, made the way crashes make them, beside
 * a live recorded bottle on bwrap and one on docker that must come through untouched:
 * - an apply SIGKILLed mid-way whose state was then restored from the copy taken before it:
 *   a bwrap sandbox, its door keeper, its sidecar supervisor and its directory, unrecorded;
 * - an apply SIGKILLed at its first step whose manifest was then removed: a state row of a
 *   bottle of which nothing exists;
 * - a container and an image labelled with this state database for a bottle it does not know;
 * - another state directory's docker bottle whose database was deleted while it ran;
 * - a leftover bottle directory.
 * Without a terminal and without --yes cleanup refuses and removes nothing; with --yes it
 * removes exactly those, and `list` reports health on both backends before and after.
 * Needs a Docker daemon (CI starts one).
 */
import { join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { docker, dockerOutput } from "../../backends/docker/cli.ts";
import { LABELS } from "../../backends/docker/labels.ts";
import { requireDocker } from "../../backends/docker/testing.ts";
import { type CliResult, expectCode, processesMentioning, World } from "./harness.ts";

interface ListedBottle {
  bottle: string;
  backend: string;
  health: string;
  recorded: boolean;
  since: string | null;
  resources: number;
}

interface CleanedOrphan {
  kind: string;
  bottle: string;
  ours: boolean;
  why: string;
  result?: string;
  detail?: string;
}

interface CleanupJson {
  outcome: string;
  orphans: CleanedOrphan[];
  observeMs: number;
  reapMs: number;
}

async function writeBottle(world: World, name: string, frontmatter: string): Promise<void> {
  await Deno.writeTextFile(join(world.dir, "bottles", `${name}.md`), `---\n${frontmatter}\n---\n`);
}

async function listed(world: World): Promise<Map<string, ListedBottle>> {
  const list = await world.cli(["list", "--json"]);
  expectCode(list, 0, "list");
  const { bottles } = JSON.parse(list.stdout) as { bottles: ListedBottle[] };
  return new Map(bottles.map((bottle) => [bottle.bottle, bottle]));
}

async function labelled(kind: "ps" | "images", label: string): Promise<string[]> {
  const args = kind === "ps" ? ["ps", "--all"] : ["images"];
  const format = kind === "ps" ? "{{.Names}}" : "{{.Repository}}:{{.Tag}}";
  const out = await docker([...args, "--filter", `label=${label}`, "--format", format]);
  return out.split("\n").filter((line) => line !== "").sort();
}

function parseCleanup(result: CliResult): CleanupJson {
  try {
    return JSON.parse(result.stdout) as CleanupJson;
  } catch {
    throw new Error(`cleanup printed no JSON:\n${result.stdout}\n${result.stderr}`);
  }
}

/** The orphans of this test's two state databases, as `kind bottle`. */
function ofThisTest(report: CleanupJson, otherDb: string): CleanedOrphan[] {
  return report.orphans.filter((orphan) => orphan.ours || orphan.why.includes(otherDb));
}

const summary = (orphans: CleanedOrphan[]): string[] =>
  orphans.map((orphan) => `${orphan.kind} ${orphan.bottle}`).sort();

Deno.test({
  name:
    "cleanup: reaps exactly the orphans of crashed runs on bwrap and docker, never a live bottle",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await requireDocker();
    const world = await World.create();
    const cache = join(world.dir, "..", "cache");
    world.env.BOT_BOTTLE_CACHE_DIR = cache;
    const other = await World.create({ BOT_BOTTLE_CACHE_DIR: cache });
    const stateDb = join(world.stateDir, "state.db");
    const otherDb = join(other.stateDir, "state.db");
    const suffix = crypto.randomUUID().slice(0, 8);
    const ghostContainer = `bb-cleanup-ghost-${suffix}`;
    const ghostImage = `bot-bottle-agent-ghostimg:${suffix}`;
    try {
      await writeBottle(world, "keep", "backend: bwrap\negress:\n  allow: [example.com]");
      await writeBottle(world, "dkeep", "backend: docker\negress:\n  allow: [example.com]");
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply the live bottles");
      const recordedBefore = (await world.cli(["state", "list", "--json"])).stdout;
      const [dkeepImage] = await labelled("images", `${LABELS.stateDb}=${stateDb}`);

      // An apply killed once the sandbox started; the state then restored from before it.
      await writeBottle(world, "crashed", "backend: bwrap\negress:\n  allow: [example.com]");
      const crashed = await world.cli(["apply", "--yes"], {
        BOT_BOTTLE_TEST_CRASH_AT: "sandbox.crashed:end",
      });
      assertEquals(crashed.signal, "SIGKILL", `apply should have been killed:\n${crashed.stdout}`);
      expectCode(await world.cli(["state", "restore", "--yes"]), 0, "state restore");
      await Deno.remove(join(world.dir, "bottles", "crashed.md"));
      const crashedRun = join(world.stateDir, "bottles", "crashed", "run");
      assertEquals(processesMentioning(crashedRun).length >= 3, true, "sandbox, keeper, bundle");

      // An apply killed at its first step, its manifest then removed: a row and nothing else.
      await writeBottle(world, "rowsonly", "backend: bwrap");
      const first = await world.cli(["apply", "--yes"], {
        BOT_BOTTLE_TEST_CRASH_AT: "bottle_dir.rowsonly:begin",
      });
      assertEquals(first.signal, "SIGKILL", `apply should have been killed:\n${first.stdout}`);
      await Deno.remove(join(world.dir, "bottles", "rowsonly.md"));

      // Labelled as this state database's, for bottles it does not know.
      const ghostLabels = (bottle: string, role: string): string[] =>
        Object.entries({
          [LABELS.managed]: "1",
          [LABELS.project]: world.dir,
          [LABELS.bottle]: bottle,
          [LABELS.stateDb]: stateDb,
          [LABELS.role]: role,
        }).flatMap(([key, value]) => ["--label", `${key}=${value}`]);
      await docker([
        "run",
        "--detach",
        "--name",
        ghostContainer,
        "--network",
        "none",
        ...ghostLabels("ghost", "agent"),
        "--entrypoint",
        "sleep",
        dkeepImage,
        "600",
      ]);
      await docker(
        [
          "build",
          "--quiet",
          "--network",
          "none",
          "-t",
          ghostImage,
          ...ghostLabels("ghostimg", "image"),
          "-",
        ],
        { stdin: `FROM ${dkeepImage}\n`, env: { DOCKER_BUILDKIT: "0" } },
      );

      // Another state directory's docker bottle, its database deleted while it runs.
      await writeBottle(other, "dgone", "backend: docker");
      expectCode(await other.cli(["apply", "--yes"]), 0, "apply in the other state dir");
      for (const end of ["", "-wal", "-shm"]) await Deno.remove(`${otherDb}${end}`).catch(() => {});

      const leftover = join(world.stateDir, "bottles", "leftover");
      await Deno.mkdir(join(leftover, "run"), { recursive: true });
      await Deno.writeTextFile(join(leftover, "run", "stale.sock"), "");

      const before = await listed(world);
      assertEquals(
        [...before.values()].map((b) => `${b.bottle} ${b.backend} ${b.health} ${b.recorded}`),
        [
          "dkeep docker running true",
          "keep bwrap running true",
          "rowsonly - gone true",
          "crashed - running false",
        ],
      );
      for (const name of ["keep", "dkeep"]) {
        const since = Date.parse(before.get(name)?.since ?? "");
        assert_(Date.now() - since < 10 * 60_000 && Date.now() - since > 0, `${name}'s age`);
      }

      const refused = await world.cli(["cleanup"]);
      expectCode(refused, 1, "cleanup without --yes and without a terminal");
      assertMatch(refused.stderr, /refusing to reap \d+ orphan\(s\) without confirmation[^]*--yes/);
      assertEquals(processesMentioning(crashedRun).length >= 3, true, "nothing was reaped");
      assertEquals(await labelled("ps", `${LABELS.bottle}=ghost`), [ghostContainer]);

      const expected = [
        "container dgone",
        "container dgone",
        "container ghost",
        "directory crashed",
        "directory leftover",
        "door-keeper crashed",
        "image dgone",
        "image ghostimg",
        "rows rowsonly",
        "sandbox crashed",
        "supervisor crashed",
        "supervisor dgone",
      ];
      const listedOnly = parseCleanup(await world.cli(["cleanup", "--dry-run", "--json"]));
      assertEquals(listedOnly.outcome, "listed");
      assertEquals(summary(ofThisTest(listedOnly, otherDb)), expected);

      const cleaned = await world.cli(["cleanup", "--yes", "--json"]);
      const report = parseCleanup(cleaned);
      const ours = ofThisTest(report, otherDb);
      assertEquals(summary(ours), expected);
      assertEquals(ours.filter((o) => o.result !== "reaped"), [], "each orphan reaped");
      const failed = report.orphans.filter((orphan) => orphan.result !== "reaped");
      assertEquals(cleaned.code, failed.length === 0 ? 0 : 1, cleaned.stderr);
      console.log(
        `cleanup: ${report.orphans.length} orphans (${ours.length} of this test) found in ` +
          `${report.observeMs} ms, reaped in ${report.reapMs} ms`,
      );

      assertEquals(processesMentioning(crashedRun), [], "the crashed bottle's processes");
      assertEquals(processesMentioning(other.stateDir), [], "the other state dir's sidecars");
      assertEquals(await labelled("ps", `${LABELS.stateDb}=${otherDb}`), []);
      assertEquals(await labelled("images", `${LABELS.stateDb}=${otherDb}`), []);
      assertEquals(await labelled("ps", `${LABELS.bottle}=ghost`), []);
      assertEquals((await dockerOutput(["image", "inspect", ghostImage])).code, 1, "ghost image");
      const dirs = [...Deno.readDirSync(join(world.stateDir, "bottles"))].map((e) => e.name);
      assertEquals(dirs.sort(), ["dkeep", "keep"]);
      assertEquals((await world.cli(["state", "list", "--json"])).stdout, recordedBefore);

      expectCode(await world.cli(["exec", "keep", "--", "true"]), 0, "exec in the bwrap bottle");
      expectCode(await world.cli(["exec", "dkeep", "--", "true"]), 0, "exec in the docker bottle");
      expectCode(await world.cli(["drift"]), 0, "no drift after cleanup");
      const again = parseCleanup(await world.cli(["cleanup", "--dry-run", "--json"]));
      assertEquals(ofThisTest(again, otherDb), [], "nothing of this test is left to reap");

      const [agent] = (await labelled("ps", `${LABELS.stateDb}=${stateDb}`))
        .filter((name) => !name.endsWith("-door"));
      await docker(["stop", "--time", "1", agent]);
      assertEquals((await listed(world)).get("dkeep")?.health, "stopped");
    } finally {
      expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
      await dockerOutput(["rm", "--force", ghostContainer]);
      await dockerOutput(["image", "rm", ghostImage]);
      for (const label of [`${LABELS.stateDb}=${stateDb}`, `${LABELS.stateDb}=${otherDb}`]) {
        const left = await labelled("ps", label);
        if (left.length > 0) await dockerOutput(["rm", "--force", ...left]);
        const images = await labelled("images", label);
        if (images.length > 0) await dockerOutput(["image", "rm", ...images]);
      }
    }
    assertEquals(world.processes(), []);
    await Deno.remove(join(world.dir, ".."), { recursive: true });
    await Deno.remove(join(other.dir, ".."), { recursive: true });
  },
});
