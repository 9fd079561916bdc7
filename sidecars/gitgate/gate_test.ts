import assert from "node:assert/strict";
import { join } from "node:path";
import {
  git,
  makeUpstream,
  mustGit,
  startGate,
  upstreamEntry,
  waitFor,
  writePolicy,
} from "./testing/fixture.ts";
import type { GatePolicy } from "./wire.ts";

function randomFrom(alphabet: string, length: number): string {
  const bytes = new Uint8Array(length);
  for (let at = 0; at < length; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536));
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
}

/** A fake AWS key pair, made now so no secret-shaped literal sits in the repository. */
function fakeAwsKey(): string {
  const id = "AKIA" + randomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  const secret = randomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+", 40);
  return `aws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`;
}

Deno.test({
  name: "git gate: fetch, push policy, secret scan, upstream refusal, reload (real git)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t): Promise<void> {
    const root = await Deno.makeTempDir({ prefix: "gg" });
    const home = join(root, "home");
    const gateDir = join(root, "gate");
    const runDir = join(root, "run");
    const logDir = join(root, "log");
    for (const dir of [home, gateDir, runDir, logDir]) Deno.mkdirSync(dir, { mode: 0o700 });
    const upstream = await makeUpstream(root, home);
    // Upstream's own rule: no branch called refused-upstream.
    Deno.writeTextFileSync(
      join(upstream, "hooks", "pre-receive"),
      "#!/bin/sh\nwhile read old new ref; do\n" +
        '  if [ "$ref" = refs/heads/refused-upstream ]; then echo "upstream says: not this branch" >&2; exit 1; fi\n' +
        "done\n",
      { mode: 0o755 },
    );
    const entry = upstreamEntry("repo", upstream, gateDir);
    const policy: GatePolicy = {
      version: 1,
      bottle: "dev",
      upstreams: [entry],
      dlp: {},
      fetch_cache_seconds: 0,
    };
    writePolicy(gateDir, policy);
    const gate = await startGate({ gateDir, runDir, logDir, bottle: "dev" });
    const work = join(root, "work");
    const upstreamHas = async (oid: string): Promise<boolean> =>
      (await git(["cat-file", "-e", oid], { cwd: upstream, home })).code === 0;
    const commitFile = async (path: string, text: string, message: string): Promise<string> => {
      Deno.mkdirSync(join(work, path, ".."), { recursive: true });
      Deno.writeTextFileSync(join(work, path), text);
      await mustGit(["add", path], { cwd: work, home });
      await mustGit(["commit", "--quiet", "-m", message], { cwd: work, home });
      return await mustGit(["rev-parse", "HEAD"], { cwd: work, home });
    };
    const push = (...args: string[]) => git(["push", "origin", ...args], { cwd: work, home });
    try {
      await t.step("clone and ls-remote through the gate", async () => {
        await mustGit(["clone", "--quiet", `${gate.url}/repo.git`, work], { home });
        assert.equal(Deno.readTextFileSync(join(work, "README.md")), "hello\n");
        const refs = await mustGit(["ls-remote", `${gate.url}/repo`], { home });
        assert.match(refs, /\trefs\/heads\/main$/m);
      });

      await t.step("a commit made upstream after start is seen by fetch", async () => {
        const seed = join(root, "seed");
        Deno.writeTextFileSync(join(seed, "later.txt"), "later\n");
        await mustGit(["add", "later.txt"], { cwd: seed, home });
        await mustGit(["commit", "--quiet", "-m", "later"], { cwd: seed, home });
        await mustGit(["push", "--quiet", "origin", "HEAD:main"], { cwd: seed, home });
        const head = await mustGit(["rev-parse", "HEAD"], { cwd: seed, home });
        await mustGit(["pull", "--quiet", "--ff-only"], { cwd: work, home });
        assert.equal(await mustGit(["rev-parse", "HEAD"], { cwd: work, home }), head);
      });

      await t.step("a push to an allowed branch lands upstream", async () => {
        const oid = await commitFile("src/feature.txt", "feature\n", "feature");
        const out = await push("HEAD:refs/heads/feature");
        assert.equal(out.code, 0, out.stderr);
        assert.match(out.stderr, /remote: gate: pushed to upstream repo/);
        assert.equal(
          await mustGit(["rev-parse", "refs/heads/feature"], { cwd: upstream, home }),
          oid,
        );
      });

      await t.step("a push to a protected branch is refused, saying why", async () => {
        const out = await push("HEAD:main");
        assert.notEqual(out.code, 0);
        assert.match(out.stderr, /remote: gate: refs\/heads\/main: branch "main" is protected/);
        assert.notEqual(
          await mustGit(["rev-parse", "refs/heads/main"], { cwd: upstream, home }),
          await mustGit(["rev-parse", "HEAD"], { cwd: work, home }),
        );
      });

      await t.step("force-push and deletion are refused", async () => {
        await mustGit(["commit", "--quiet", "--amend", "-m", "feature, rewritten"], {
          cwd: work,
          home,
        });
        const forced = await push("--force", "HEAD:refs/heads/feature");
        assert.notEqual(forced.code, 0);
        assert.match(forced.stderr, /not a fast-forward and force-pushing it is not allowed/);
        const deleted = await push("--delete", "feature");
        assert.notEqual(deleted.code, 0);
        assert.match(deleted.stderr, /deleting branch "feature" is not allowed/);
        assert.equal(
          (await git(["rev-parse", "--verify", "refs/heads/feature"], { cwd: upstream, home }))
            .code,
          0,
        );
        await mustGit(["reset", "--quiet", "--hard", "origin/feature"], { cwd: work, home });
      });

      await t.step(
        "a file holding an AWS key is refused and nothing of it reaches upstream",
        async () => {
          const oid = await commitFile("config/aws.ini", fakeAwsKey(), "add config");
          const blob = await mustGit(["rev-parse", "HEAD:config/aws.ini"], { cwd: work, home });
          const out = await push("HEAD:refs/heads/secret");
          assert.notEqual(out.code, 0);
          assert.match(out.stderr, /file "config\/aws\.ini"/);
          assert.match(out.stderr, /rule aws-/);
          assert.match(out.stderr, new RegExp(`in commit ${oid.slice(0, 12)}`));
          assert.doesNotMatch(out.stderr, /AKIA[A-Z0-9]{16}/);
          assert.equal(await upstreamHas(oid), false);
          assert.equal(await upstreamHas(blob), false);
          assert.notEqual(
            (await git(["cat-file", "-e", blob], { cwd: entry.mirror, home })).code,
            0,
          );
          await mustGit(["reset", "--quiet", "--hard", "HEAD~1"], { cwd: work, home });
        },
      );

      await t.step("a commit touching a protected path is refused", async () => {
        await commitFile(".github/workflows/ci.yml", "on: push\n", "ci");
        const out = await push("HEAD:refs/heads/ci");
        assert.notEqual(out.code, 0);
        assert.match(out.stderr, /touches protected path "\.github\/workflows\/ci\.yml"/);
        await mustGit(["reset", "--quiet", "--hard", "HEAD~1"], { cwd: work, home });
      });

      await t.step("upstream's own refusal reaches the client", async () => {
        const oid = await commitFile("x.txt", "x\n", "x");
        const out = await push("HEAD:refs/heads/refused-upstream");
        assert.notEqual(out.code, 0);
        assert.match(out.stderr, /upstream says: not this branch/);
        assert.equal(await upstreamHas(oid), false);
        assert.equal(
          (await git(["rev-parse", "--verify", "refs/heads/refused-upstream"], {
            cwd: entry.mirror,
            home,
          })).code,
          128,
        );
      });

      await t.step(
        "an undeclared repository gets a git error naming the manifest key",
        async () => {
          const out = await git(["ls-remote", `${gate.url}/_undeclared/github.com/org/other.git`], {
            home,
          });
          assert.notEqual(out.code, 0);
          assert.match(
            out.stderr,
            /fatal: remote error: "github\.com\/org\/other\.git" is not an upstream of bottle dev: declare it under git: in the bottle manifest \(git: \{ other: \{ remote: "github\.com\/org\/other\.git" \} \}\)/,
          );
          const unknown = await git(["ls-remote", `${gate.url}/nosuch.git`], { home });
          assert.match(unknown.stderr, /remote error: "nosuch" is not an upstream of bottle dev/);
        },
      );

      await t.step("SIGHUP applies a changed policy without a restart", async () => {
        writePolicy(gateDir, {
          ...policy,
          upstreams: [{
            ...entry,
            push: { ...entry.push, protected_branches: ["main", "feature"] },
          }],
        });
        gate.hangUp();
        await waitFor(
          "the reload",
          10_000,
          () => Promise.resolve(Deno.readTextFileSync(gate.stderrFile).includes("policy reloaded")),
        ).catch((error) => {
          throw new Error(
            `${error.message}; the daemon said: ${Deno.readTextFileSync(gate.stderrFile)}`,
          );
        });
        await commitFile("y.txt", "y\n", "y");
        const out = await push("HEAD:refs/heads/feature");
        assert.notEqual(out.code, 0);
        assert.match(out.stderr, /branch "feature" is protected/);
      });

      await t.step(
        "a push larger than max_push_bytes is cut off with a clear message",
        async () => {
          writePolicy(gateDir, {
            ...policy,
            upstreams: [{ ...entry, push: { ...entry.push, max_push_bytes: 64 << 10 } }],
          });
          const reloads = Deno.readTextFileSync(gate.stderrFile).split("policy reloaded").length;
          gate.hangUp();
          await waitFor(
            "the second reload",
            10_000,
            () =>
              Promise.resolve(
                Deno.readTextFileSync(gate.stderrFile).split("policy reloaded").length > reloads,
              ),
          );
          // Random text compresses little: ~0.3 MB goes with Content-Length, ~1.4 MB chunked
          // (git's http.postBuffer is 1 MiB), which the gate cuts off while it streams.
          const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
          for (const [name, lines] of [["sized", 6], ["chunked", 30]] as const) {
            const big = Array.from({ length: lines }, () => randomFrom(b64, 60_000)).join("\n");
            const oid = await commitFile(`${name}.txt`, big, name);
            const out = await push(`HEAD:refs/heads/${name}`);
            assert.notEqual(out.code, 0);
            assert.match(out.stderr, /more than 65536 bytes \(max_push_bytes/, name);
            assert.equal(await upstreamHas(oid), false);
          }
        },
      );

      await t.step("every decision is audited, without secrets", () => {
        const lines = Deno.readTextFileSync(join(logDir, "git.jsonl")).trim().split("\n").map((l) =>
          JSON.parse(l)
        );
        assert.ok(lines.some((l) => l.op === "fetch" && l.rule === "fetch:refreshed"));
        assert.ok(
          lines.some((l) =>
            l.op === "push" && l.verdict === "allow" && l.ref === "refs/heads/feature"
          ),
        );
        assert.ok(lines.some((l) => l.rule === "push:protected-branch"));
        assert.ok(lines.some((l) => String(l.rule).startsWith("dlp:aws-")));
        assert.ok(lines.some((l) => l.verdict === "deny" && l.rule === "upstream"));
        assert.doesNotMatch(Deno.readTextFileSync(join(logDir, "git.jsonl")), /AKIA[A-Z0-9]{16}/);
      });
    } finally {
      await gate.stop();
      await Deno.remove(root, { recursive: true });
    }
  },
});
