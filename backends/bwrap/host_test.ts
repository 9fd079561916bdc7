import assert from "node:assert/strict";
import { CURATED_ETC, probeHost } from "./host.ts";

Deno.test("the curated /etc never includes secrets or resolver configuration", () => {
  for (const path of CURATED_ETC) {
    assert.match(path, /^\/etc\/./);
    assert.doesNotMatch(
      path,
      /shadow|sudoers|ssh|private|resolv|gitconfig|npmrc|pip|profile|environment/,
    );
    assert.notEqual(path, "/etc/ssl");
  }
});

Deno.test("probing this host finds what exists, as it exists", () => {
  const layout = probeHost();
  const paths = layout.etc.map((entry) => entry.path);
  for (const entry of [...layout.topLevel, ...layout.etc]) {
    const info = Deno.lstatSync(entry.path);
    assert.equal(entry.kind === "symlink", info.isSymlink, entry.path);
  }
  assert.ok(!paths.includes("/etc/shadow") && !paths.includes("/etc/resolv.conf"));
  assert.ok(["/bin/bash", "/bin/sh"].includes(layout.shell));
});
