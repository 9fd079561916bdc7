import { assert_, assertEquals, assertRejects } from "../tests/assert.ts";
import { CommandError, run, runOutput } from "./command.ts";

Deno.test("command: output captured as text, whatever the status", async () => {
  const result = await runOutput("sh", [
    "-c",
    'printf "%s" "$1"; echo oops >&2; exit 3',
    "-",
    "é x",
  ]);
  assertEquals(result, { code: 3, signal: null, stdout: "é x", stderr: "oops\n" });
  assertEquals(await run("sh", ["-c", "echo ok"]), "ok\n");
});

Deno.test("command: a failure names the command and says its stderr or its status", async () => {
  const error = await assertRejects(
    () => run("sh", ["-c", "echo 'no such thing' >&2; exit 2"]),
    /^sh -c echo 'no such thing' >&2; exit 2: no such thing$/,
  );
  assert_(error instanceof CommandError);
  assertEquals(error.result.code, 2);
  await assertRejects(() => run("sh", ["-c", "exit 4"]), /^sh -c exit 4: exit status 4$/);
  await assertRejects(
    () => run("no-such-program-bb", [], { install: "apt-get install -y bb" }),
    /^no-such-program-bb is not installed on this machine \(apt-get install -y bb\)$/,
  );
});

Deno.test("command: stdin given or closed; env added or alone; cwd", async () => {
  assertEquals(await run("cat", [], { stdin: "fed\n" }), "fed\n");
  assertEquals(await run("cat", []), "", "no stdin: cat ends at once");
  assertEquals(await run("head", ["-c", "1"], { stdin: new Uint8Array(1 << 20) }), "\0");
  assertEquals(
    await run("sh", ["-c", 'echo "$BB_X:${HOME:+home}"'], { env: { BB_X: "1" } }),
    "1:home\n",
  );
  assertEquals(
    await run("/bin/sh", ["-c", 'echo "$BB_X:${HOME:-none}"'], {
      env: { BB_X: "2" },
      clearEnv: true,
    }),
    "2:none\n",
  );
  assertEquals(await run("pwd", [], { cwd: "/" }), "/\n");
  const big = "x".repeat(1 << 20);
  const echoed = await run("sh", ["-c", "head -c 200000 /dev/zero; cat"], { stdin: big });
  assertEquals(echoed.length, 200000 + big.length, "writes before it reads, and is fed all");
});
