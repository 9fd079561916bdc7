/**
 * `--target ID` on plan, apply and destroy: apply takes the target and what it depends on,
 * destroy the target and what depends on it; an unknown id is a clear error. The targets
 * below (policy and directory files) need no sandbox, so this runs without one.
 */
import { assert_, assertMatch } from "../assert.ts";
import { expectCode, World } from "./harness.ts";

const created = (stdout: string): string[] =>
  [...stdout.matchAll(/^\s+\+ (\S+) \(/gm)].map((match) => match[1]);
const destroyed = (stdout: string): string[] =>
  [...stdout.matchAll(/^\s+- (\S+) \(/gm)].map((match) => match[1]).sort();

Deno.test("target: plan and apply take the target and what it needs; destroy what needs it", async () => {
  const world = await World.create();
  await world.writeBottle("tg", "egress:\n  allow: [example.com]");
  try {
    const plan = await world.cli(["plan", "--target", "egress_policy.tg", "--detailed-exitcode"]);
    expectCode(plan, 2, "targeted plan");
    assertMatch(plan.stdout, /Plan: 2 to add, 0 to change, 0 to destroy\./);
    assertMatch(
      plan.stdout,
      /Warning: resource targeting is in effect \(--target egress_policy\.tg\)/,
    );
    assert_(created(plan.stdout).join(" ") === "bottle_dir.tg egress_policy.tg", plan.stdout);

    const apply = await world.cli(["apply", "--yes", "--target", "egress_policy.tg"]);
    expectCode(apply, 0, "targeted apply");
    assertMatch(apply.stdout, /Resources: 2 added, 0 changed, 0 destroyed/);
    assertMatch(apply.stdout, /targeting is in effect/);
    const rest = await world.cli(["plan"]);
    expectCode(rest, 0, "untargeted plan after a targeted apply");
    assertMatch(rest.stdout, /Plan: 8 to add, 0 to change, 0 to destroy\./);
    assert_(!/targeting/.test(rest.stdout), rest.stdout);

    const destroy = await world.cli(["destroy", "--yes", "--target", "bottle_dir.tg"]);
    expectCode(destroy, 0, "targeted destroy");
    assertMatch(destroy.stdout, /and what depends on them/);
    assert_(
      destroyed(destroy.stdout).join(" ") === "bottle_dir.tg egress_policy.tg",
      destroy.stdout,
    );
    const after = await world.cli(["plan"]);
    assertMatch(after.stdout, /Plan: 10 to add/);
  } finally {
    expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
  }
});

Deno.test("target: an unknown id is an error listing close matches; a saved plan refuses it", async () => {
  const world = await World.create();
  await world.writeBottle("tg", "egress:\n  allow: [example.com]");
  const typo = await world.cli(["plan", "--target", "sandbox.gt"]);
  expectCode(typo, 1, "plan with an unknown target");
  assertMatch(
    typo.stderr,
    /--target names no resource of this plan:\n\s+sandbox\.gt: did you mean sandbox\.tg\?/,
  );
  assertMatch(typo.stderr, /hint: targets are resource ids such as bottle_dir\.tg/);
  const bottle = await world.cli(["apply", "--yes", "--target", "tg"]);
  expectCode(bottle, 1, "apply with a bottle name as target");
  assertMatch(bottle.stderr, / {2}tg: did you mean bottle_dir\.tg, door\.tg, /);
  assert_(!/Creating/.test(bottle.stdout), "nothing was applied");
  const saved = `${world.dir}/p.plan`;
  expectCode(await world.cli(["plan", "--out", saved]), 0, "plan --out");
  const refused = await world.cli(["apply", saved, "--target", "bottle_dir.tg"]);
  expectCode(refused, 1, "saved plan with --target");
  assertMatch(refused.stderr, /--target has no effect on a saved plan/);
  const nothing = await world.cli(["destroy", "--yes", "--target", "sandbox.tg"]);
  expectCode(nothing, 1, "destroy --target with nothing applied");
  assertMatch(nothing.stderr, /this plan has no resources to target/);
});
