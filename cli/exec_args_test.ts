import { assertEquals } from "../tests/assert.ts";
import { parseExecArgs } from "./exec_args.ts";

Deno.test("exec args: options, bottle, then the command (a leading -- is kept for execCommand)", () => {
  assertEquals(parseExecArgs(["-t", "-w", "/tmp", "-e", "A=1", "dev", "--", "ls", "-la"]), {
    bottle: "dev",
    argv: ["--", "ls", "-la"],
    options: { tty: true, cwd: "/tmp", env: ["A=1"] },
  });
  assertEquals(parseExecArgs(["dev", "true"])?.argv, ["true"]);
});

Deno.test("exec args: anything unusual is left to the full parser", () => {
  assertEquals(parseExecArgs(["--help"]), null);
  assertEquals(parseExecArgs(["dev"]), null);
  assertEquals(parseExecArgs(["dev", "--"]), null);
  assertEquals(parseExecArgs(["--bogus", "dev", "true"]), null);
});
