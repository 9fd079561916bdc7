import assert from "node:assert/strict";
import {
  allowedEntries,
  type ConfigEntry,
  parseConfigList,
  renderConfig,
  stripUserinfo,
} from "./git_config_filter.ts";

const entry = (key: string, value: string | null = "x"): ConfigEntry => ({ key, value });

Deno.test("config list -z: key\\nvalue\\0, and a bare boolean key without newline", () => {
  assert.deepEqual(parseConfigList("core.bare\nfalse\0core.filemode\0remote.a.b.url\nu\nv\0"), [
    { key: "core.bare", value: "false" },
    { key: "core.filemode", value: null },
    { key: "remote.a.b.url", value: "u\nv" },
  ]);
});

Deno.test("allowlist: repository basics, extensions, remotes and branches survive", () => {
  const kept = [
    entry("core.repositoryformatversion", "1"),
    entry("core.filemode", "true"),
    entry("core.bare", "false"),
    entry("core.logallrefupdates", "true"),
    entry("core.ignorecase", "false"),
    entry("core.symlinks", "true"),
    entry("core.autocrlf", "input"),
    entry("core.eol", "lf"),
    entry("extensions.objectformat", "sha256"),
    entry("extensions.worktreeconfig", "true"),
    entry("remote.origin.url", "https://example.com/r.git"),
    entry("remote.origin.pushurl", "git@example.com:r.git"),
    entry("remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*"),
    entry("remote.my.fork.url", "/srv/git/fork.git"),
    entry("branch.main.remote", "origin"),
    entry("branch.main.merge", "refs/heads/main"),
    entry("branch.feature/x.rebase", "true"),
  ];
  assert.deepEqual(allowedEntries(kept), kept);
});

Deno.test("allowlist: credentials, headers, includes and programs are dropped", () => {
  const dropped = [
    entry("credential.helper", "store"),
    entry("credential.https://example.com.username", "me"),
    entry("http.extraheader", "Authorization: Bearer xyz"),
    entry("http.https://example.com/.extraheader", "Authorization: Bearer xyz"),
    entry("include.path", "~/.gitconfig-secrets"),
    entry("includeif.gitdir:~/work/.path", "work.inc"),
    entry("core.sshcommand", "ssh -i ~/.ssh/deploy"),
    entry("core.fsmonitor", "/tmp/evil"),
    entry("core.hookspath", "/tmp/hooks"),
    entry("core.worktree", "/home/op/repo"),
    entry("core.editor", "vim"),
    entry("core.pager", "less"),
    entry("url.https://tok@example.com/.insteadof", "https://example.com/"),
    entry("user.email", "op@example.com"),
    entry("remote.origin.proxy", "http://proxy"),
    entry("remote.origin.uploadpack", "evil"),
    entry("branch.main.description", "x"),
    entry("filter.lfs.process", "git-lfs filter-process"),
    entry("diff.tool.textconv", "cat"),
    entry("core.extra.bare", "false"),
    entry("remote.url", "https://example.com"),
    entry("extensions.sub.thing", "x"),
  ];
  assert.deepEqual(allowedEntries(dropped), []);
});

Deno.test("remote URLs lose user:password@ and token@; other keys keep their value", () => {
  const out = allowedEntries([
    entry("remote.origin.url", "https://user:tok123@example.invalid/r.git"),
    entry("remote.origin.pushurl", "https://ghp_abc@github.com/o/r.git"),
    entry("remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*"),
    entry("branch.main.merge", "refs/heads/main"),
  ]);
  assert.deepEqual(out.map((e) => e.value), [
    "https://example.invalid/r.git",
    "https://github.com/o/r.git",
    "+refs/heads/*:refs/remotes/origin/*",
    "refs/heads/main",
  ]);
  assert.doesNotMatch(JSON.stringify(out), /tok123|ghp_abc/);
});

Deno.test("stripUserinfo: every scheme, passwords with @, and what has no userinfo", () => {
  const cases: [string, string][] = [
    ["https://u:p@host/p", "https://host/p"],
    ["https://u:p@ss@host:8443/p?q#f", "https://host:8443/p?q#f"],
    ["http://tok@host", "http://host"],
    ["ssh://git:pw@host/r.git", "ssh://host/r.git"],
    ["git+ssh://git@host/r.git", "git+ssh://host/r.git"],
    ["https://host/a@b", "https://host/a@b"],
    ["https://host", "https://host"],
    ["file:///srv/r.git", "file:///srv/r.git"],
    ["git@github.com:o/r.git", "git@github.com:o/r.git"],
    ["/srv/git/r.git", "/srv/git/r.git"],
    ["../r.git", "../r.git"],
  ];
  for (const [url, want] of cases) assert.equal(stripUserinfo(url), want, url);
});

Deno.test("render: sections grouped, values quoted and escaped, subsections escaped", () => {
  const text = renderConfig([
    entry("core.bare", "false"),
    entry("core.filemode", null),
    entry("remote.origin.url", "https://host/r.git"),
    entry("remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*"),
    entry('branch.we"ird\\name.merge', 'a "b"\\c\nd\te'),
    entry("core.symlinks", "true"),
  ]);
  assert.equal(
    text,
    [
      "[core]",
      '\tbare = "false"',
      "\tfilemode",
      '[remote "origin"]',
      '\turl = "https://host/r.git"',
      '\tfetch = "+refs/heads/*:refs/remotes/origin/*"',
      '[branch "we\\"ird\\\\name"]',
      '\tmerge = "a \\"b\\"\\\\c\\nd\\te"',
      "[core]",
      '\tsymlinks = "true"',
      "",
    ].join("\n"),
  );
  assert.equal(renderConfig([]), "");
});

Deno.test("render round-trips through git: what git reads back is what was kept", async () => {
  const entries = [
    entry("core.repositoryformatversion", "0"),
    entry("core.bare", "false"),
    entry("remote.my.fork.url", "https://host/a b#c;d.git"),
    entry('branch.we"ird\\name.merge', 'refs/heads/x "y"\\z'),
    entry("branch.t.rebase", "has\ttab and\nnewline"),
  ];
  const file = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(file, renderConfig(entries));
    const output = await new Deno.Command("git", {
      args: ["config", "--file", file, "--list", "-z"],
      stdout: "piped",
    }).output();
    assert.ok(output.success);
    assert.deepEqual(parseConfigList(new TextDecoder().decode(output.stdout)), entries);
  } finally {
    await Deno.remove(file);
  }
});
