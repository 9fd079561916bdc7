/**
 * Supervise grants through the real gate (the daemon as the supervisor runs it, stock git):
 * a branch refused with the hint to ask, granted by a policy rewrite and SIGHUP, still
 * refused where protected, and refused again once the grant runs out, without a reload.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256Hex } from "../../lib/sha256.ts";
import { sleep } from "../../lib/wait.ts";
import {
  git,
  makeUpstream,
  mustGit,
  startGate,
  upstreamEntry,
  waitFor,
  writePolicy,
} from "./testing/fixture.ts";
import { GATE_LOADED_FILE, GATE_POLICY_FILE, type GateGrant, type GatePolicy } from "./wire.ts";

Deno.test({
  name: "git gate: a granted branch is pushed after a reload, until the grant runs out",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t): Promise<void> {
    const root = await Deno.makeTempDir({ prefix: "gg-grants" });
    const home = join(root, "home");
    const gateDir = join(root, "gate");
    const runDir = join(root, "run");
    const logDir = join(root, "log");
    for (const dir of [home, gateDir, runDir, logDir]) Deno.mkdirSync(dir, { mode: 0o700 });
    const upstream = await makeUpstream(root, home);
    const entry = upstreamEntry("repo", upstream, gateDir);
    const policyWith = (grants: GateGrant[]): GatePolicy => ({
      version: 1,
      bottle: "dev",
      upstreams: [{ ...entry, push: { ...entry.push, branches: ["agent/**"] } }],
      dlp: {},
      fetch_cache_seconds: 0,
      supervise: true,
      grants,
    });
    writePolicy(gateDir, policyWith([]));
    const gate = await startGate({ gateDir, runDir, logDir, bottle: "dev" });
    const loaded = (): string =>
      Deno.readTextFileSync(join(gateDir, GATE_LOADED_FILE)).split("\n")[0];
    const reload = async (grants: GateGrant[]): Promise<void> => {
      writePolicy(gateDir, policyWith(grants));
      const sha = sha256Hex(Deno.readTextFileSync(join(gateDir, GATE_POLICY_FILE)));
      gate.hangUp();
      await waitFor("the reload", 10_000, () => Promise.resolve(loaded() === sha));
    };
    const work = join(root, "work");
    let n = 0;
    const commit = async (): Promise<string> => {
      Deno.writeTextFileSync(join(work, `f${++n}.txt`), `${n}\n`);
      await mustGit(["add", "."], { cwd: work, home });
      await mustGit(["commit", "--quiet", "-m", `c${n}`], { cwd: work, home });
      return await mustGit(["rev-parse", "HEAD"], { cwd: work, home });
    };
    const push = (ref: string) => git(["push", "origin", `HEAD:${ref}`], { cwd: work, home });
    const upstreamAt = async (branch: string): Promise<string | null> => {
      const out = await git(["rev-parse", "--verify", `refs/heads/${branch}`], {
        cwd: upstream,
        home,
      });
      return out.code === 0 ? out.stdout.trim() : null;
    };
    const audit = (): Record<string, unknown>[] =>
      Deno.readTextFileSync(join(logDir, "git.jsonl")).trim().split("\n").map((l) => JSON.parse(l));
    try {
      await mustGit(["clone", "--quiet", `${gate.url}/repo.git`, work], { home });

      await t.step("refused, saying how to ask; granted by a reload", async () => {
        await commit();
        const refused = await push("refs/heads/wip/x");
        assert.notEqual(refused.code, 0);
        assert.match(refused.stderr, /branch "wip\/x" matches none of \["agent\/\*\*"\]/);
        assert.match(
          refused.stderr,
          /remote: this bottle has supervise: .*request_git \(upstream "repo", branch "wip\/x"/,
        );
        await reload([{ upstream: "repo", branch: "wip/*", request: 9 }]);
        const oid = await commit();
        const out = await push("refs/heads/wip/x");
        assert.equal(out.code, 0, out.stderr);
        assert.equal(await upstreamAt("wip/x"), oid);
        const line = audit().find((l) => l.ref === "refs/heads/wip/x" && l.verdict === "allow");
        assert.equal(line?.rule, "grant:request 9");
        assert.equal(line?.grant, 9);
        // Protected branches still win over a grant.
        await reload([{ upstream: "repo", branch: "**", request: 10 }]);
        const main = await push("main");
        assert.notEqual(main.code, 0);
        assert.match(main.stderr, /branch "main" is protected/);
        assert.doesNotMatch(main.stderr, /request_git/);
      });

      await t.step("a grant that runs out refuses the next push, with no reload", async () => {
        const expiresAt = Date.now() + 3000;
        await reload([
          {
            upstream: "repo",
            branch: "wip/*",
            request: 11,
            expires_at: new Date(expiresAt).toISOString(),
          },
        ]);
        const oid = await commit();
        const before = await push("refs/heads/wip/y");
        assert.equal(before.code, 0, before.stderr);
        assert.equal(await upstreamAt("wip/y"), oid);
        const marker = loaded();
        await sleep(Math.max(0, expiresAt - Date.now() + 100));
        const late = await commit();
        const after = await push("refs/heads/wip/y");
        assert.notEqual(after.code, 0);
        assert.match(
          after.stderr,
          /supervise granted "wip\/\*" \(request 11\) until .*, which has passed/,
        );
        assert.equal(await upstreamAt("wip/y"), oid);
        assert.notEqual(await upstreamAt("wip/y"), late);
        assert.equal(loaded(), marker);
      });
    } finally {
      await gate.stop();
      await Deno.remove(root, { recursive: true });
    }
  },
});
