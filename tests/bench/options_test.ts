import { assertEquals, assertThrows } from "../assert.ts";
import { REPO_ROOT } from "./bottle.ts";
import { parseOptions } from "./options.ts";

Deno.test("bench options: defaults", () => {
  assertEquals(parseOptions([]), {
    iterations: 15,
    slowIterations: 5,
    warmup: 2,
    json: false,
    dir: `${REPO_ROOT}/examples`,
    bottle: "dev",
    srt: true,
    strict: false,
  });
});

Deno.test("bench options: values inline or after, short -n, flags", () => {
  const options = parseOptions([
    "-n",
    "4",
    "--slow-iterations=2",
    "--warmup",
    "0",
    "--dir",
    "/m",
    "--bottle=b",
    "--no-srt",
    "--strict",
  ]);
  assertEquals(options, {
    iterations: 4,
    slowIterations: 2,
    warmup: 0,
    json: false,
    dir: "/m",
    bottle: "b",
    srt: false,
    strict: true,
  });
  assertEquals(parseOptions(["--iterations", "30"]).slowIterations, 10);
  assertEquals(parseOptions(["--iterations", "1"]).slowIterations, 3);
  assertEquals(parseOptions(["--dir", "rel"]).dir, `${Deno.cwd()}/rel`);
});

Deno.test("bench options: --json takes a FILE when one follows, else means stdout", () => {
  assertEquals(parseOptions(["--json"]).json, null);
  assertEquals(parseOptions(["--json", "--strict"]).json, null);
  assertEquals(parseOptions(["--json", "out.json"]).json, "out.json");
  assertEquals(parseOptions(["--json=out.json", "--strict"]).json, "out.json");
});

Deno.test("bench options: wrong counts and unknown options fail with the usage", () => {
  assertThrows(() => parseOptions(["--iterations", "0"]), /--iterations needs an integer ≥ 1/);
  assertThrows(() => parseOptions(["--warmup", "x"]), /--warmup needs an integer ≥ 0/);
  assertThrows(() => parseOptions(["--nope"]), /usage: deno task bench/);
  assertThrows(() => parseOptions(["extra"]), /usage: deno task bench/);
  assertThrows(() => parseOptions(["--bottle="]), /usage: deno task bench/);
});
