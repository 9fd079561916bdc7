/**
 * The CLI a Terraform user expects, through `deno run -A main.ts …`: --version, validate,
 * show, single-dash and --auto-approve spellings, --no-color, --json errors, saved plans
 * that apply from anywhere and are read strictly, unset secrets that warn at plan and stop
 * apply, and clear errors for a missing --dir, a bad --parallelism and an unwritable --out.
 * Nothing here starts a sandbox: every apply is refused or has nothing to do.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { StateStore } from "../../engine/state.ts";
import { type CliResult, expectCode, World } from "./harness.ts";

const GOOD = "egress:\n  allow: [example.com]";
const ROUTED = `
egress:
  allow: [api.example.test]
  routes:
    - host: api.example.test
      auth: { scheme: bearer, secret: { env: BB_CLI_TEST_KEY } }
`;

function noStack(result: CliResult): void {
  assert_(!/^\s+at /m.test(result.stderr), `stack trace in:\n${result.stderr}`);
}

function jsonError(result: CliResult): { message: string; diagnostics: unknown[] } {
  const parsed = JSON.parse(result.stdout) as {
    error: { message: string; diagnostics: unknown[] };
  };
  assert_(typeof parsed.error.message === "string", result.stdout);
  return parsed.error;
}

Deno.test("CLI conventions", async (t) => {
  const world = await World.create();
  await world.writeBottle("conv", GOOD);

  await t.step("--version and -v print the name and version from deno.json", async () => {
    for (const flag of ["--version", "-v", "-version"]) {
      const result = await world.cli([flag]);
      expectCode(result, 0, flag);
      assertMatch(result.stdout, /^@bot-bottle\/engine \d+\.\d+\.\d+\n$/);
    }
  });

  await t.step("validate: valid, located errors, --json; no state is created", async () => {
    const ok = await world.cli(["validate"]);
    expectCode(ok, 0, "validate");
    assertMatch(ok.stdout, /^The configuration is valid\./);
    assertEquals(JSON.parse((await world.cli(["validate", "-json"])).stdout).valid, true);
    const bad = join(world.dir, "bottles", "bad.md");
    await Deno.writeTextFile(bad, "---\negres: {}\n---\n");
    try {
      const text = await world.cli(["validate"]);
      expectCode(text, 1, "validate a bad manifest");
      assertMatch(text.stderr, /bottles\/bad\.md:2:1: /);
      noStack(text);
      const json = await world.cli(["validate", "--json"]);
      expectCode(json, 1, "validate --json a bad manifest");
      const error = jsonError(json);
      assertEquals((error.diagnostics[0] as { line: number }).line, 2);
      assertMatch((error.diagnostics[0] as { file: string }).file, /bottles\/bad\.md$/);
    } finally {
      await Deno.remove(bad);
    }
    assert_(!existsSync(world.stateDir), "validate must not create the state dir");
  });

  await t.step("single-dash spellings; a saved plan is shown and written 0600", async () => {
    const planFile = join(world.dir, "dash.plan");
    const plan = await world.cli(["plan", `-out=${planFile}`, "-detailed-exitcode", "-no-color"]);
    expectCode(plan, 2, "plan -out= -detailed-exitcode");
    assertEquals(statSync(planFile).mode & 0o777, 0o600);
    expectCode(await world.cli(["plan", "-out", planFile, "-parallelism=2"]), 1, "bad option");
    const shown = await world.cli(["show", planFile]);
    expectCode(shown, 0, "show PLANFILE");
    assertMatch(shown.stdout, /\+ sandbox\.conv \(sandbox\)/);
    const json = JSON.parse((await world.cli(["show", "-json", planFile])).stdout);
    assert_(json.actions.some((a: { id: string }) => a.id === "sandbox.conv"), "show --json");
    const state = await world.cli(["show"]);
    expectCode(state, 0, "show (state)");
    assertMatch(state.stdout, /No resources are recorded for /);
  });

  await t.step("-auto-approve and --auto-approve mean --yes", async () => {
    for (const flag of ["-auto-approve", "--auto-approve"]) {
      const result = await world.cli(["destroy", flag, "-parallelism=2", "-lock-timeout=1s"]);
      expectCode(result, 0, `destroy ${flag} with nothing applied`);
    }
  });

  await t.step("exec arguments are passed through untouched", async () => {
    const result = await world.cli(["exec", "conv", "-json", "--", "true", "-auto-approve"]);
    expectCode(result, 1, "exec on a bottle that is not applied");
    assert_(!/unknown option/.test(result.stderr), result.stderr);
  });

  await t.step("--parallelism must be a whole number from 1 to 64", async () => {
    for (const value of ["0", "abc", "65", "1.5", "-1"]) {
      const result = await world.cli(["apply", "--parallelism", value, "--yes"]);
      expectCode(result, 1, `--parallelism ${value}`);
      assertMatch(result.stderr, /whole number from 1 to 64/);
    }
  });

  await t.step("--json: errors are a JSON document on stdout with a non-zero exit", async () => {
    const missing = join(world.dir, "no-such-dir");
    for (const command of [["plan"], ["validate"], ["drift"], ["show"]]) {
      const result = await world.cli([...command, "--json", "--dir", missing]);
      assert_(result.code !== 0, `${command[0]} --json exits non-zero`);
      assertMatch(jsonError(result).message, /no-such-dir|not found/);
    }
    const usage = await world.cli(["plan", "--json", "--bogus"]);
    expectCode(usage, 1, "unknown option with --json");
    assertMatch(jsonError(usage).message, /unknown option '--bogus'/);
    const noPlan = await world.cli(["show", "--json", join(world.dir, "nope.plan")]);
    assertMatch(jsonError(noPlan).message, /no plan file at/);
  });

  await t.step("plan --out into a missing directory names the path", async () => {
    const result = await world.cli(["plan", "--out", "/nonexistent-bb-dir/x.plan"]);
    expectCode(result, 1, "plan --out /nonexistent-bb-dir/x.plan");
    assertMatch(result.stderr, /cannot save the plan to \/nonexistent-bb-dir\/x\.plan: directory/);
    noStack(result);
  });

  await t.step("a saved plan applies from anywhere: it records its project", async () => {
    const planFile = join(world.dir, "destroy.plan");
    const elsewhere = await Deno.makeTempDir();
    expectCode(
      await world.cli(["plan", "--destroy", "--dir", world.dir, "--out", planFile], {}, elsewhere),
      0,
      "plan --destroy --dir --out",
    );
    const applied = await world.cli(["apply", planFile], {}, elsewhere);
    expectCode(applied, 0, "apply FILE from another directory");
    assertMatch(applied.stdout, /Destroy complete/);
  });

  await t.step("a plan file with an unknown action or bad fields is not applied", async () => {
    const planFile = join(world.dir, "edited.plan");
    expectCode(await world.cli(["plan", "--out", planFile]), 0, "plan --out");
    const plan = JSON.parse(await Deno.readTextFile(planFile));
    plan.actions[0].kind = "explode";
    await Deno.writeTextFile(planFile, JSON.stringify(plan));
    const result = await world.cli(["apply", planFile]);
    expectCode(result, 1, "apply of an edited plan");
    assertMatch(result.stderr, /not a valid bot-bottle plan file: actions\[0\]\.kind: "explode"/);
    noStack(result);
  });

  await t.step("drift and destroy on a nonexistent --dir are errors", async () => {
    for (const command of [["drift"], ["destroy", "--yes"]]) {
      const result = await world.cli([...command, "--dir", "no-such-project"]);
      expectCode(result, 1, `${command} --dir no-such-project`);
      assertMatch(result.stderr, /no such directory .*nothing is recorded for it/);
    }
  });

  await t.step("destroy of a deleted project whose resources are recorded proceeds", async () => {
    const gone = join(world.dir, "deleted-project");
    const path = join(world.stateDir, "bottles", "ghost");
    await Deno.mkdir(path, { recursive: true });
    const store = new StateStore(world.stateDir);
    store.upsert({
      id: "bottle_dir.ghost",
      type: "bottle_dir",
      bottle: "ghost",
      project: gone,
      inputs: { path, subdirs: ["logs", "home", "backend"] },
      outputs: { path },
      dependsOn: [],
      replaceWith: [],
      status: "ready",
      error: null,
    });
    store.close();
    const result = await world.cli(["destroy", "--dir", gone, "--yes"]);
    expectCode(result, 0, "destroy of a deleted project");
    assert_(!existsSync(path), "the recorded directory is removed");
  });

  await t.step("an unset secret: plan warns and shows the plan; apply refuses", async () => {
    await world.writeBottle("conv", ROUTED);
    const plan = await world.cli(["plan"]);
    expectCode(plan, 0, "plan with an unset secret");
    assertMatch(plan.stdout, /\+ egress_secrets\.conv/);
    assertMatch(
      plan.stderr,
      /warning: bottles\/conv\.md: route api\.example\.test \(env BB_CLI_TEST_KEY\)/,
    );
    const apply = await world.cli(["apply", "--yes"]);
    expectCode(apply, 1, "apply with an unset secret");
    assertMatch(apply.stderr, /cannot apply: 1 secret\(s\) are not available/);
    const planFile = join(world.dir, "unset.plan");
    expectCode(await world.cli(["plan", "--out", planFile]), 0, "plan --out, secret unset");
    const saved = await world.cli(["apply", planFile], { BB_CLI_TEST_KEY: "now-set" });
    expectCode(saved, 1, "apply of a plan made while the secret was unset");
    assertMatch(saved.stderr, /was not set when this plan was made/);
    noStack(saved);
    await world.writeBottle("conv", GOOD);
  });

  await t.step("--no-color: no escape codes on a terminal", async () => {
    const onTerminal = async (args: string[]): Promise<string> => {
      const command = world.shellCommand(args).replace(/\bNO_COLOR=1 /, "");
      const output = await new Deno.Command("script", {
        args: ["-qec", command, "/dev/null"],
        cwd: world.dir,
        stdin: "null",
        stdout: "piped",
      }).output();
      return new TextDecoder().decode(output.stdout);
    };
    const green = "\x1b[32m";
    assert_((await onTerminal(["plan"])).includes(green), "colour on a terminal");
    assert_(!(await onTerminal(["plan", "--no-color"])).includes(green), "colour with --no-color");
    assert_(!(await onTerminal(["-no-color", "plan"])).includes(green), "colour with -no-color");
  });

  await Deno.remove(join(world.dir, ".."), { recursive: true });
});
