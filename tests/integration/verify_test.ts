/**
 * `bottle verify` through the real CLI: on a temporary bottle (made and removed by verify
 * itself, nothing left behind) and on a named bottle applied from a project (left as it was:
 * no drift afterwards). Every probe must PASS or SKIP.
 */
import { join } from "node:path";
import { assert_, assertEquals } from "../assert.ts";
import { expectCode, processesMentioning, World } from "./harness.ts";

interface Report {
  bottle: string;
  kind: string;
  ok: boolean;
  summary: { passed: number; failed: number; skipped: number };
  probes: { id: string; group: string; verdict: string; evidence: string }[];
}

function parseReport(stdout: string): Report {
  try {
    return JSON.parse(stdout) as Report;
  } catch {
    throw new Error(`verify --json printed no JSON:\n${stdout}`);
  }
}

/** Every probe PASS or SKIP; the message lists each one that is not, with its evidence. */
function assertSealed(report: Report): void {
  const failed = report.probes.filter((probe) => !["PASS", "SKIP"].includes(probe.verdict));
  assertEquals(
    failed.map((probe) => `${probe.verdict} ${probe.id}: ${probe.evidence}`),
    [],
    "probes that did not pass",
  );
}

const GROUPS = ["network", "door", "filesystem", "processes", "privileges", "secrets"];

Deno.test({
  name: "verify: a temporary bottle passes every probe and leaves nothing behind",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const world = await World.create();
    const scratch = join(world.dir, "..", "t");
    await Deno.mkdir(scratch);
    const result = await world.cli(["verify", "--json"], { TMPDIR: scratch });
    const report = parseReport(result.stdout);
    assertEquals(report.kind, "temporary", `${result.stdout}\n${result.stderr}`);
    assertEquals(
      [...new Set(report.probes.map((probe) => probe.group))].sort(),
      [...GROUPS, "apply-symlinks"].sort(),
    );
    assert_(report.probes.length >= 25, `only ${report.probes.length} probes`);
    assertSealed(report);
    expectCode(result, 0, "verify");
    assertEquals([...Deno.readDirSync(scratch)].map((entry) => entry.name), []);
    assertEquals(processesMentioning(scratch), []);
    await Deno.remove(join(world.dir, ".."), { recursive: true });
  },
});

Deno.test({
  name: "verify: a named bottle passes, destructive probes are skipped, nothing drifts",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const world = await World.create({ VERIFY_TEST_KEY: `k-${crypto.randomUUID()}` });
    await world.writeBottle(
      "named",
      `egress:
  allow: [api.verify.test]
  routes:
    - host: api.verify.test
      auth: { scheme: bearer, secret: { env: VERIFY_TEST_KEY } }`,
    );
    try {
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply");
      const result = await world.cli(["verify", "named", "--json", "--dir", world.dir]);
      const report = parseReport(result.stdout);
      assertEquals([report.bottle, report.kind], ["named", "named"]);
      assertSealed(report);
      const skipped = report.probes.filter((probe) => probe.verdict === "SKIP").map((p) => p.id);
      assertEquals(skipped, ["door.survives-kill-all", "apply-symlinks.no-follow"]);
      const secrets = report.probes.filter((probe) => probe.group === "secrets");
      assertEquals(secrets.map((probe) => probe.verdict), ["PASS", "PASS"]);
      expectCode(result, 0, "verify named");
      expectCode(await world.cli(["drift"]), 0, "drift after verify");

      const missing = await world.cli(["verify", "nosuch", "--json"]);
      expectCode(missing, 1, "verify of a bottle that is not applied");
      assertEquals(JSON.parse(missing.stdout), {
        error: { message: 'no bottle named "nosuch" is applied', hint: "applied bottles: named" },
      });
    } finally {
      expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
    }
  },
});
