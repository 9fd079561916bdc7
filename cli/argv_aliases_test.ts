import { assertEquals } from "../tests/assert.ts";
import { normalizeArgv } from "./argv_aliases.ts";

const argv = (...args: string[]): string[] => normalizeArgv(args).argv;

Deno.test("single-dash long options become double-dash, with and without =value", () => {
  assertEquals(argv("plan", "-out", "f.plan", "-detailed-exitcode"), [
    "plan",
    "--out",
    "f.plan",
    "--detailed-exitcode",
  ]);
  assertEquals(argv("plan", "-out=f.plan", "-json", "-destroy", "-dir", "x"), [
    "plan",
    "--out=f.plan",
    "--json",
    "--destroy",
    "--dir",
    "x",
  ]);
  assertEquals(argv("apply", "-target=sandbox.dev", "-lock-timeout=5s", "-parallelism=2"), [
    "apply",
    "--target=sandbox.dev",
    "--lock-timeout=5s",
    "--parallelism=2",
  ]);
});

Deno.test("-auto-approve and --auto-approve mean --yes; short options stay", () => {
  assertEquals(argv("apply", "-auto-approve"), ["apply", "--yes"]);
  assertEquals(argv("destroy", "--auto-approve", "-y"), ["destroy", "--yes", "-y"]);
});

Deno.test("--no-color anywhere is taken out and reported; --json is noticed", () => {
  assertEquals(normalizeArgv(["-no-color", "plan", "-json"]), {
    argv: ["plan", "--json"],
    noColor: true,
    json: true,
  });
  assertEquals(normalizeArgv(["drift", "--no-color"]).noColor, true);
  assertEquals(normalizeArgv(["drift"]).noColor, false);
});

Deno.test("exec, run, attach and shell arguments pass through untouched", () => {
  const exec = ["exec", "dev", "-json", "--", "ls", "-out", "--no-color", "--auto-approve"];
  assertEquals(argv(...exec), exec);
  assertEquals(argv("exec", "-t", "dev", "-auto-approve"), ["exec", "-t", "dev", "-auto-approve"]);
  assertEquals(argv("run", "fixer", "-p", "-json"), ["run", "fixer", "-p", "-json"]);
  assertEquals(normalizeArgv(["exec", "dev", "--no-color"]).noColor, false);
});

Deno.test("nothing after -- is rewritten; unknown single-dash words are left to commander", () => {
  assertEquals(argv("plan", "--", "-out"), ["plan", "--", "-out"]);
  assertEquals(argv("plan", "-bogus"), ["plan", "-bogus"]);
});
