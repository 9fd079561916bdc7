import assert from "node:assert/strict";
import { join } from "node:path";
import { baseGitEnv } from "./git_env.ts";
import { KeyedLock } from "./lock.ts";
import { Mirrors, prepareMirror } from "./mirror.ts";
import { makeUpstream, mustGit, upstreamEntry } from "./testing/fixture.ts";

Deno.test("mirror: a refresh says whether it changed the mirror, and follows upstream back and forth", async () => {
  const root = await Deno.makeTempDir({ prefix: "ggm" });
  try {
    const home = root;
    const upstream = await makeUpstream(root, home);
    const entry = upstreamEntry("app", upstream, join(root, "gate"));
    const env = baseGitEnv({ path: Deno.env.get("PATH") ?? "/usr/bin:/bin", home });
    const context = { env, lock: new KeyedLock() };
    await prepareMirror(context, entry, join(root, "hooks"));
    const mirrors = new Mirrors(context);
    const mirrorHead = () => mustGit(["--git-dir", entry.mirror, "rev-parse", "main"], { home });
    const refresh = () => mirrors.refresh(entry, null, 0);

    assert.deepEqual(await refresh(), { refreshed: true, fetched: true });
    assert.equal(
      await mirrorHead(),
      await mustGit(["--git-dir", upstream, "rev-parse", "main"], { home }),
    );
    assert.deepEqual(await refresh(), { refreshed: true, fetched: false });

    // Upstream moved back to an older commit: still a difference.
    const seed = join(root, "seed");
    const first = await mustGit(["rev-parse", "HEAD"], { cwd: seed, home });
    await mustGit(["commit", "--quiet", "--allow-empty", "-m", "second"], { cwd: seed, home });
    await mustGit(["push", "--quiet", "origin", "HEAD:main"], { cwd: seed, home });
    assert.deepEqual(await refresh(), { refreshed: true, fetched: true });
    await mustGit(["push", "--quiet", "--force", "origin", `${first}:main`], { cwd: seed, home });
    assert.deepEqual(await refresh(), { refreshed: true, fetched: true });
    assert.equal(await mirrorHead(), first);

    assert.deepEqual(await mirrors.refresh(entry, null, 60), { refreshed: false, fetched: false });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
