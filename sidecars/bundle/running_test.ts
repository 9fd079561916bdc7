import { assertEquals } from "../../tests/assert.ts";
import { supervisorArgs } from "./running.ts";

Deno.test("running supervisors: read from the supervisor's own flags only", () => {
  const script = "/srv/bot-bottle/sidecars/bundle/supervisor.pl";
  const own = [
    "/usr/bin/perl",
    script,
    "--bottle",
    "b",
    "--run-dir",
    "/s/bottles/b/run",
    "--name",
    "egress",
    "--socket",
    "/s/bottles/b/run/egress.sock",
  ];
  assertEquals(supervisorArgs([...own, "--", "deno", "run", "--name", "x"]), {
    runDir: "/s/bottles/b/run",
    name: "egress",
    socket: "/s/bottles/b/run/egress.sock",
  });
  assertEquals(supervisorArgs(["perl", script, "--", "--run-dir", "/x", "--name", "y"]), null);
  assertEquals(supervisorArgs(["perl", "other.pl", "--run-dir", "/x", "--name", "y"]), null);
});
