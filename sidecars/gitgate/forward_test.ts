import assert from "node:assert/strict";
import { pushArgs, pushReport } from "./forward.ts";

const O = "0".repeat(40);
const A = "a".repeat(40);
const B = "b".repeat(40);

Deno.test("forward: leases, refspecs and deletions", () => {
  assert.deepEqual(
    pushArgs("file:///up.git", [
      { ref: "refs/heads/a", old: A, new: B },
      { ref: "refs/heads/n", old: O, new: B },
      { ref: "refs/heads/d", old: A, new: O },
    ]),
    [
      "push",
      "--porcelain",
      "--atomic",
      "--no-verify",
      `--force-with-lease=refs/heads/a:${A}`,
      "--force-with-lease=refs/heads/n:",
      `--force-with-lease=refs/heads/d:${A}`,
      "--",
      "file:///up.git",
      `${B}:refs/heads/a`,
      `${B}:refs/heads/n`,
      ":refs/heads/d",
    ],
  );
});

Deno.test("forward: the report keeps upstream's words", () => {
  const stdout =
    "To /up.git\n!\tbbb:refs/heads/a\t[remote rejected] (pre-receive hook declined)\nDone\n";
  const stderr = "remote: no pushes on Fridays\nerror: failed to push some refs to '/up.git'\n";
  assert.deepEqual(pushReport(stdout, stderr), [
    "upstream: no pushes on Fridays",
    "error: failed to push some refs to '/up.git'",
    "refs/heads/a: [remote rejected] (pre-receive hook declined)",
  ]);
});
