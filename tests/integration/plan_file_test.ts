/**
 * Saved plans, staleness, JSON output, the y/N prompt on a real terminal, and a changed
 * allowlist applied as an in-place update with no restart of the bundle or the sandbox.
 */
import { join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { StateStore } from "../../engine/state.ts";
import type { ProcessIdentity } from "../../lib/process.ts";
import { expectCode, startUpstream, World } from "./harness.ts";
import { sleep } from "../../lib/wait.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

function pids(world: World): ProcessIdentity[] {
  const store = new StateStore(world.stateDir);
  try {
    const sandbox = store.get("sandbox.plans")?.outputs as unknown as { init: ProcessIdentity };
    const bundle = store.get("sidecar_bundle.plans")?.outputs as unknown as {
      supervisor: ProcessIdentity;
    };
    return [sandbox.init, bundle.supervisor];
  } finally {
    store.close();
  }
}

const allow = (hosts: string[]): string => `egress:\n  allow: [${hosts.join(", ")}]`;

Deno.test("saved plans apply as reviewed, refuse when stale; allowlist changes hot-reload", async (t) => {
  const upstream = startUpstream("up");
  const world = await World.create({
    BOT_BOTTLE_TEST_RESOLVE: JSON.stringify({ "one.test": "127.0.0.1", "two.test": "127.0.0.1" }),
  });
  await world.writeBottle("plans", allow(["one.test"]));
  const planFile = join(world.dir, "first.plan");
  const curl = (host: string) =>
    world.cli([
      "exec",
      "plans",
      "--",
      "curl",
      "-s",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      `http://${host}:${upstream.port}/`,
    ]);
  try {
    await t.step("plan --out saves; --json describes the same actions", async () => {
      expectCode(await world.cli(["plan", "--out", planFile]), 0, "plan --out");
      const json = await world.cli(["plan", "--json"]);
      const parsed = JSON.parse(json.stdout) as {
        summary: { add: number };
        actions: { id: string; action: string }[];
      };
      assertEquals(parsed.summary.add, 10);
      assert_(parsed.actions.some((a) => a.id === "sandbox.plans" && a.action === "create"));
    });

    await t.step("apply FILE applies the saved plan without asking", async () => {
      const applied = await world.cli(["apply", planFile]);
      expectCode(applied, 0, "apply saved plan");
      assertEquals(await curl("one.test").then((r) => r.stdout), "200");
      assertEquals(await curl("two.test").then((r) => r.stdout), "403");
    });

    await t.step("a saved plan is refused once state has moved on", async () => {
      expectCode(await world.cli(["apply", planFile]), 1, "re-applying a used plan");
      const stale = await world.cli(["apply", planFile]);
      assertMatch(stale.stderr, /is stale: state has changed since it was made/);
    });

    await t.step("a changed allowlist is an in-place update (~) with no restarts", async () => {
      const before = pids(world);
      await world.writeBottle("plans", allow(["one.test", "two.test"]));
      const plan = await world.cli(["plan", "--detailed-exitcode"]);
      expectCode(plan, 2, "plan with a changed allowlist");
      assertMatch(plan.stdout, /~ egress_policy\.plans \(egress_policy\)/);
      assertMatch(plan.stdout, /Plan: 0 to add, 1 to change, 0 to destroy\./);
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply the update");
      assertEquals(pids(world), before);
      assertEquals(await curl("two.test").then((r) => r.stdout), "200");
    });

    await t.step(
      "an invalid new policy fails the apply clearly and the old one stays in force",
      async () => {
        const before = pids(world);
        const notPem = join(world.dir, "not-a-ca.pem");
        await Deno.writeTextFile(notPem, "not a certificate\n");
        await world.writeBottle(
          "plans",
          `egress:\n  allow: [one.test]\n  routes:\n    - host: one.test\n      upstream_ca_file: ${notPem}`,
        );
        const failed = await world.cli(["apply", "--yes"]);
        expectCode(failed, 1, "apply with an unusable upstream CA file");
        assertMatch(failed.stderr, /upstream_ca_file .*not-a-ca\.pem holds no PEM certificate/);
        assertEquals(pids(world), before);
        assertEquals(await curl("two.test").then((r) => r.stdout), "200");
        await world.writeBottle("plans", allow(["one.test", "two.test"]));
        expectCode(await world.cli(["apply", "--yes"]), 0, "apply the valid policy again");
      },
    );

    await t.step(
      "a changed env replaces the sandbox (-/+) and says which key forces it",
      async () => {
        await world.writeBottle(
          "plans",
          `${allow(["one.test", "two.test"])}\nenv:\n  MODE: strict`,
        );
        const plan = await world.cli(["plan"]);
        assertMatch(plan.stdout, /-\/\+ sandbox\.plans \(sandbox\)/);
        assertMatch(plan.stdout, /~ env = \{\} -> \{"MODE":"strict"\}\s+# forces replacement/);
      },
    );

    await t.step("on a terminal apply asks y/N; anything but yes changes nothing", async () => {
      const serial = (() => {
        const store = new StateStore(world.stateDir);
        try {
          return store.serial(store.all()[0].project);
        } finally {
          store.close();
        }
      })();
      const typed = async (answer: string) => {
        const command = `deno run -A ${ROOT}main.ts apply`;
        const child = new Deno.Command("script", {
          args: ["-qec", command, "/dev/null"],
          cwd: world.dir,
          env: { BOT_BOTTLE_STATE_DIR: world.stateDir, NO_COLOR: "1", ...world.env },
          stdin: "piped",
          stdout: "piped",
          stderr: "piped",
        }).spawn();
        const writer = child.stdin.getWriter();
        await sleep(1500);
        await writer.write(new TextEncoder().encode(answer));
        await writer.close();
        const output = await child.output();
        return { code: output.code, stdout: new TextDecoder().decode(output.stdout) };
      };
      const declined = await typed("n\n");
      assertMatch(declined.stdout, /Apply these changes\? \[y\/N\]/);
      assertMatch(declined.stdout, /Apply cancelled\./);
      const store = new StateStore(world.stateDir);
      assertEquals(store.serial(store.all()[0].project), serial);
      store.close();
      const accepted = await typed("y\n");
      assertMatch(accepted.stdout, /Apply complete/);
    });
  } finally {
    expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
    await upstream.close();
  }
});
