import assert from "node:assert/strict";
import { route, undeclaredMessage } from "./route.ts";

const q = (text = ""): URLSearchParams => new URLSearchParams(text);

Deno.test("route: /NAME.git and /NAME with the smart HTTP suffixes", () => {
  assert.deepEqual(route("/repo.git/info/refs", q("service=git-upload-pack")), {
    kind: "upstream",
    name: "repo",
    suffix: { kind: "refs", service: "git-upload-pack" },
  });
  assert.deepEqual(route("/repo/git-receive-pack", q()), {
    kind: "upstream",
    name: "repo",
    suffix: { kind: "rpc", service: "git-receive-pack" },
  });
  assert.deepEqual(route("/repo.git/info/refs", q()).kind, "upstream");
  assert.deepEqual(route("/repo.git/info/refs", q("service=evil")), {
    kind: "upstream",
    name: "repo",
    suffix: { kind: "refs", service: null },
  });
  assert.deepEqual(route("/repo.git/HEAD", q()), {
    kind: "upstream",
    name: "repo",
    suffix: { kind: "other" },
  });
});

Deno.test("route: undeclared URLs and odd names", () => {
  assert.deepEqual(
    route("/_undeclared/github.com/org/other.git/info/refs", q("service=git-upload-pack")),
    {
      kind: "undeclared",
      original: "github.com/org/other.git",
      suffix: { kind: "refs", service: "git-upload-pack" },
    },
  );
  for (
    const path of ["/../x.git/info/refs", "/a/b.git/info/refs", "/.x/info/refs", "/a..b/info/refs"]
  ) {
    assert.equal(route(path, q()).kind, "undeclared", path);
  }
});

Deno.test("route: the undeclared message names the manifest key", () => {
  assert.equal(
    undeclaredMessage("dev", "github.com/org/other.git", false),
    `"github.com/org/other.git" is not an upstream of bottle dev: declare it under git: in the ` +
      `bottle manifest (git: { other: { remote: "github.com/org/other.git" } })`,
  );
  assert.match(undeclaredMessage("dev", "thing", true), /git: \{ thing: \{ remote: … \} \}/);
});

Deno.test("route: the gitconfig's scheme folders give back the URL as written", () => {
  const at = (path: string): string => {
    const found = route(path, q("service=git-upload-pack"));
    return found.kind === "undeclared" ? found.original : "";
  };
  assert.equal(at("/_undeclared/scp/github.com:org/x.git/info/refs"), "git@github.com:org/x.git");
  assert.equal(at("/_undeclared/ssh/h.example:2222/x.git/info/refs"), "ssh://h.example:2222/x.git");
  assert.equal(at("/_undeclared/https/example.com/r.git/info/refs"), "https://example.com/r.git");
});
