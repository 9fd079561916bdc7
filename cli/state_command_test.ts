/**
 * The CLI over a broken or lost state database: every command names the file and what to
 * do, none gives a false answer about a running bottle; and the `state` commands.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../tests/assert.ts";
import { acquireLock } from "../engine/lock.ts";
import { StateStore } from "../engine/state.ts";
import { checkFile } from "../engine/state_backup.ts";
import { breakDatabase, liveBottle, seededStateDir } from "../engine/state_fixtures.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function bottle(stateDir: string, args: string[]): Promise<Run> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-prompt", MAIN, ...args],
    env: { BOT_BOTTLE_STATE_DIR: stateDir, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return {
    code: output.code,
    stdout: text.decode(output.stdout),
    stderr: text.decode(output.stderr),
  };
}

/** A project with one bottle, `dev`. */
async function project(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "bb-project-" });
  await Deno.mkdir(join(dir, "bottles"));
  await Deno.writeTextFile(
    join(dir, "bottles", "dev.md"),
    "---\negress:\n  allow: [example.com]\n---\n",
  );
  return dir;
}

function expectError(run: Run, pattern: RegExp, what: string): void {
  assertEquals(run.code, 1, `${what}: ${run.stdout}${run.stderr}`);
  assertMatch(run.stderr, pattern, what);
  assert_(!/internal error/.test(run.stderr), `${what}: ${run.stderr}`);
}

for (const how of ["header", "half"] as const) {
  Deno.test(`state CLI: with a corrupt database (${how}) every command names it and says what to do`, async () => {
    const dir = await seededStateDir();
    const dev = await project();
    breakDatabase(dir, how);
    const corrupt = new RegExp(`${dir}/state\\.db is corrupt[^]*hint: .*move it aside`);
    const commands = [
      ["list"],
      ["drift", "--dir", dev],
      ["plan", "--dir", dev],
      ["exec", "b1", "--", "true"],
      ["state", "list"],
    ];
    for (const args of how === "header" ? commands : commands.slice(0, 3)) {
      expectError(await bottle(dir, args), corrupt, args.join(" "));
    }
  });
}

for (const how of ["zero", "deleted"] as const) {
  Deno.test(`state CLI: a database ${how === "zero" ? "truncated to zero" : "deleted"} while a bottle runs: plan, drift, exec refuse, list shows it`, async () => {
    const dir = await seededStateDir();
    const dev = await project();
    breakDatabase(dir, how);
    const running = liveBottle(dir, "dev");
    try {
      const unrecorded = /dev are running .* has no record of them[^]*state adopt/;
      expectError(await bottle(dir, ["plan", "--dir", dev]), unrecorded, "plan");
      expectError(await bottle(dir, ["drift", "--dir", dev]), unrecorded, "drift");
      expectError(await bottle(dir, ["exec", "dev", "--", "true"]), unrecorded, "exec");
      const list = await bottle(dir, ["list"]);
      assertEquals(list.code, 0, list.stderr);
      assertMatch(list.stdout, /dev .*NOT RECORDED in state/);
      assertMatch(list.stderr, /state adopt/);

      const adopt = await bottle(dir, ["state", "adopt", "--dir", dev]);
      assertEquals(adopt.code, 0, adopt.stderr);
      assertMatch(adopt.stdout, /Adopted \d+ resources of dev/);
      const state = await bottle(dir, ["state", "list", "--json"]);
      const listed = JSON.parse(state.stdout) as { resources: { id: string; status: string }[] };
      assert_(listed.resources.some((r) => r.id === "sandbox.dev" && r.status === "creating"));
      const plan = await bottle(dir, ["plan", "--dir", dev]);
      assertEquals(plan.code, 0, plan.stderr);
    } finally {
      await running.stop();
    }
  });
}

Deno.test("state CLI: list, show (--json), rm with a backup first, check and restore", async () => {
  const dir = await seededStateDir(4);
  const list = await bottle(dir, ["state", "list"]);
  assertEquals(list.code, 0, list.stderr);
  assertMatch(list.stdout, /^ID +TYPE +BOTTLE +STATUS\nfile\.r0 +file +b0 +ready/);
  const show = await bottle(dir, ["state", "show", "file.r1", "--json"]);
  assertEquals(JSON.parse(show.stdout).outputs, { path: "/f1" });
  const showText = await bottle(dir, ["state", "show", "file.r1"]);
  assertMatch(showText.stdout, /bottle: +b1[^]*inputs:/);
  expectError(await bottle(dir, ["state", "show", "nope"]), /no resource nope is recorded/, "show");

  expectError(
    await bottle(dir, ["state", "rm", "file.r1"]),
    /without confirmation/,
    "rm without --yes",
  );
  const rm = await bottle(dir, ["state", "rm", "file.r1", "file.r2", "--yes"]);
  assertEquals(rm.code, 0, rm.stderr);
  assertEquals(checkFile(join(dir, "state.db.bak")).resources, 4);
  const store = new StateStore(dir);
  assertEquals(store.all().map((record) => record.id), ["file.r0", "file.r3"]);
  assertEquals(store.journalTail(1)[0].action, "forget");
  store.close();

  const check = await bottle(dir, ["state", "check"]);
  assertEquals(check.code, 0, check.stderr);
  assertMatch(check.stdout, /state\.db: ok \(2 resources\)\n.*state\.db\.bak: ok \(4 resources\)/);
  breakDatabase(dir, "half");
  expectError(await bottle(dir, ["state", "check"]), /state\.db is corrupt/, "check");

  const restore = await bottle(dir, ["state", "restore", "--yes"]);
  assertEquals(restore.code, 0, restore.stderr);
  assertMatch(restore.stdout, /Restored 4 resources from .*state\.db\.bak; the replaced/);
  assertEquals((await bottle(dir, ["state", "check"])).code, 0);
});

Deno.test("state CLI: a writing command (destroy) keeps the last good copy first", async () => {
  const dir = await seededStateDir(3);
  const dev = await project();
  assertEquals(existsSync(join(dir, "state.db.bak")), false);
  const destroy = await bottle(dir, ["destroy", "--dir", dev, "--yes"]);
  assertEquals(destroy.code, 0, destroy.stderr);
  assertEquals(checkFile(join(dir, "state.db.bak")).resources, 3);
});

Deno.test("state CLI: restore refuses while a writer holds the lock", async () => {
  const dir = await seededStateDir(2);
  const store = new StateStore(dir);
  const lock = await acquireLock(store, { holder: "apply", timeoutMs: 0 });
  try {
    const first = await bottle(dir, ["state", "rm", "file.r0", "--yes"]);
    expectError(first, /state is locked by `apply`/, "rm while locked");
    lock.release();
    const backup = new StateStore(join(dir, "copy"));
    backup.close();
    Deno.copyFileSync(join(dir, "state.db"), join(dir, "state.db.bak"));
    const relock = await acquireLock(store, { holder: "apply", timeoutMs: 0 });
    try {
      expectError(
        await bottle(dir, ["state", "restore", "--yes"]),
        /state is locked by `apply`/,
        "restore while locked",
      );
    } finally {
      relock.release();
    }
  } finally {
    lock.release();
    store.close();
  }
});
