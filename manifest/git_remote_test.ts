import assert from "node:assert/strict";
import { GitRemoteError, parseGitRemote, remoteSpellings } from "./git_remote.ts";

Deno.test("scp-like, ssh, https and http remotes parse", () => {
  assert.deepEqual(parseGitRemote("git@github.com:org/repo.git"), {
    transport: "ssh",
    host: "github.com",
    user: "git",
    path: "org/repo.git",
  });
  assert.deepEqual(parseGitRemote("ssh://git@127.0.0.1:2222/srv/repo.git"), {
    transport: "ssh",
    host: "127.0.0.1",
    port: 2222,
    user: "git",
    path: "srv/repo.git",
  });
  assert.deepEqual(parseGitRemote("https://GitHub.com/org/repo"), {
    transport: "https",
    host: "github.com",
    path: "org/repo",
  });
  assert.deepEqual(parseGitRemote("http://127.0.0.1:8080/repo.git").port, 8080);
  assert.deepEqual(parseGitRemote("host.example:org/r.git").user, undefined);
});

Deno.test("what is not an upstream URL is refused with a hint", () => {
  for (
    const url of [
      "git://github.com/org/repo.git",
      "file:///srv/repo.git",
      "/srv/repo.git",
      "https://user:pw@github.com/org/repo.git",
      "https://x-access-token@github.com/org/repo.git",
      "https://github.com/",
      "https://github.com/org/../repo",
      "git@github.com:",
      "git@bad_host!:org/repo",
      "https://github.com/org/repo?x=1",
      "git@github.com:org/repo\n.git",
    ]
  ) {
    assert.throws(() => parseGitRemote(url), GitRemoteError, url);
  }
});

Deno.test("a repository's other spellings: scp, ssh and https forms, with and without .git", () => {
  const written = "git@github.com:org/repo.git";
  const spellings = remoteSpellings(written, parseGitRemote(written));
  for (
    const url of [
      "git@github.com:org/repo.git",
      "git@github.com:org/repo",
      "ssh://git@github.com/org/repo.git",
      "https://github.com/org/repo.git",
      "https://github.com/org/repo",
    ]
  ) assert.ok(spellings.includes(url), url);
  assert.deepEqual(
    spellings,
    [...spellings].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)),
  );
});

Deno.test("a remote on its own port keeps its transport and port", () => {
  const written = "ssh://git@127.0.0.1:2222/srv/repo.git";
  assert.deepEqual(remoteSpellings(written, parseGitRemote(written)), [
    "ssh://git@127.0.0.1:2222/srv/repo.git",
    "ssh://127.0.0.1:2222/srv/repo.git",
    "ssh://git@127.0.0.1:2222/srv/repo",
    "ssh://127.0.0.1:2222/srv/repo",
  ]);
});
