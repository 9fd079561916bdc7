/**
 * The gate attacked as a hostile agent would: every byte of the request (path, query,
 * headers, body), every pushed object and ref name is the attacker's. A real daemon and real
 * git; each step is one attack and asserts it fails without leaking the gate's files.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  git,
  makeUpstream,
  mustGit,
  startGate,
  upstreamEntry,
  writePolicy,
} from "./testing/fixture.ts";
import { rawRequest } from "./testing/raw_http.ts";
import { MAX_BACKENDS } from "./server.ts";
import type { GatePolicy } from "./wire.ts";

const CREDENTIAL_MARKER = "GATE-CREDENTIAL-MARKER-do-not-serve";

function fakeAwsId(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return "AKIA" +
    Array.from({ length: 16 }, () => alphabet[Math.floor(Math.random() * 32)]).join("");
}

function pkt(payload: string): string {
  return (new TextEncoder().encode(payload).length + 4).toString(16).padStart(4, "0") + payload;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes.slice()]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A pack of what `tip` has beyond `base`, stored without compression (as large as it gets). */
async function packOf(cwd: string, home: string, tip: string, base: string): Promise<Uint8Array> {
  const objects = await mustGit(["rev-list", "--objects", tip, "--not", base], { cwd, home });
  const child = new Deno.Command("git", {
    args: ["-c", "pack.compression=0", "pack-objects", "--stdout"],
    cwd,
    env: { HOME: home, GIT_CONFIG_NOSYSTEM: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
    signal: AbortSignal.timeout(30_000),
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(
    new TextEncoder().encode(objects.split("\n").map((l) => l.split(" ")[0]).join("\n") + "\n"),
  );
  await writer.close();
  const out = await child.output();
  return out.stdout;
}

Deno.test({
  name: "git gate under attack: paths, queries, headers, refs, merges, names, encodings",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t): Promise<void> {
    const root = await Deno.makeTempDir({ prefix: "gga" });
    const home = join(root, "home");
    const gateDir = join(root, "gate");
    const runDir = join(root, "run");
    const logDir = join(root, "log");
    for (const dir of [home, gateDir, runDir, logDir]) Deno.mkdirSync(dir, { mode: 0o700 });
    Deno.mkdirSync(join(gateDir, "credentials"), { mode: 0o700 });
    Deno.writeTextFileSync(join(gateDir, "credentials", "repo.token"), CREDENTIAL_MARKER);
    const upstream = await makeUpstream(root, home);
    const entry = upstreamEntry("repo", upstream, gateDir);
    const policy: GatePolicy = {
      version: 1,
      bottle: "dev",
      upstreams: [{ ...entry, push: { ...entry.push, max_push_bytes: 1 << 20 } }],
      dlp: {},
      fetch_cache_seconds: 0,
    };
    writePolicy(gateDir, policy);
    const gate = await startGate({ gateDir, runDir, logDir, bottle: "dev" });
    const port = Number(new URL(gate.url).port);
    const work = join(root, "work");
    const inWork = { cwd: work, home };
    const upstreamRef = async (ref: string): Promise<string | null> => {
      const out = await git(["rev-parse", "--verify", "--quiet", ref], { cwd: upstream, home });
      return out.code === 0 ? out.stdout.trim() : null;
    };
    const commitFile = async (path: string, text: string, message: string): Promise<string> => {
      Deno.mkdirSync(join(work, path, ".."), { recursive: true });
      Deno.writeTextFileSync(join(work, path), text);
      await mustGit(["add", path], inWork);
      await mustGit(["commit", "--quiet", "-m", message], inWork);
      return await mustGit(["rev-parse", "HEAD"], inWork);
    };
    const push = (...args: string[]) => git(["push", "origin", ...args], inWork);
    const leaks = (text: string): boolean =>
      text.includes(CREDENTIAL_MARKER) || text.includes('"upstreams"') ||
      text.includes("[core]") || text.includes("hook.sock");
    try {
      await mustGit(["clone", "--quiet", `${gate.url}/repo.git`, work], { home });
      await commitFile(".github/workflows/ci.yml", "on: push\n", "ci (by a human)");
      await mustGit(["push", "--quiet", upstream, "HEAD:main"], inWork);
      await mustGit(["fetch", "--quiet", "origin"], inWork);
      await mustGit(["reset", "--quiet", "--hard", "origin/main"], inWork);

      await t.step("path tricks reach nothing outside the mirror's smart HTTP", async () => {
        const targets = [
          "/../gate.json",
          "/%2e%2e/gate.json",
          "/repo.git/../../gate.json",
          "/repo.git/%2e%2e/%2e%2e/credentials/repo.token",
          "/repo.git%2f..%2f..%2fcredentials%2frepo.token",
          "/repo.git/..%2f..%2fgate.json/info/refs?service=git-upload-pack",
          "//repo.git/config",
          "/repo.git/config",
          "/repo.git/HEAD",
          "/repo.git/objects/info/packs",
          "/repo.git/hooks/pre-receive",
          "/mirrors/repo.git/info/refs?service=git-upload-pack",
          "/_undeclared/../repo.git/config",
          "/_undeclared/..%2f..%2fcredentials/info/refs?service=git-upload-pack",
          "/repo.git/git-upload-archive",
          "/.git/info/refs?service=git-upload-pack",
          "/..git/info/refs?service=git-upload-pack",
          `/${"a".repeat(60_000)}.git/info/refs?service=git-upload-pack`,
          "/repo.git/info/refs?service=git-upload-archive",
          "/repo.git/info/refs",
        ];
        for (const target of targets) {
          const answer = await rawRequest(port, { method: "GET", target });
          assert.ok(!leaks(answer.text), `${target} leaked: ${answer.text.slice(0, 300)}`);
          const isError = answer.status >= 400 || answer.text.includes("ERR ");
          assert.ok(isError, `${target}: ${answer.status} ${answer.text.slice(0, 200)}`);
        }
        const post = await rawRequest(port, {
          method: "POST",
          target: "/repo.git/git-upload-archive",
          headers: [["Content-Type", "application/x-git-upload-archive-request"]],
          body: new TextEncoder().encode("0011argument HEAD0000"),
        });
        assert.ok(post.status >= 400, `upload-archive: ${post.status}`);
      });

      await t.step("a repeated service parameter cannot switch the service", async () => {
        const answer = await rawRequest(port, {
          method: "GET",
          target: "/repo.git/info/refs?service=git-upload-pack&service=git-receive-pack",
        });
        assert.equal(answer.status, 200);
        assert.match(answer.text, /^001e# service=git-upload-pack\n/);
        assert.match(answer.head, /application\/x-git-upload-pack-advertisement/);
      });

      await t.step("headers cannot set git's configuration or environment", async () => {
        await commitFile("headers.txt", "h\n", "headers");
        const headers = [
          "GIT_CONFIG_PARAMETERS: 'core.hookspath'='/nonexistent'",
          "Git-Config-Parameters: 'core.hookspath'='/nonexistent'",
          "GIT_CONFIG_COUNT: 1",
          "GIT_CONFIG_KEY_0: core.hooksPath",
          "GIT_CONFIG_VALUE_0: /nonexistent",
          "Git-Protocol: version=0",
          "Path-Info: /repo.git/../../",
          "GIT_DIR: /",
        ];
        const args = headers.flatMap((header) => ["-c", `http.extraHeader=${header}`]);
        const out = await git([...args, "push", "origin", "HEAD:main"], inWork);
        assert.notEqual(out.code, 0);
        assert.match(out.stderr, /branch "main" is protected/);
        await mustGit(["reset", "--quiet", "--hard", "origin/main"], inWork);
      });

      await t.step("refs outside refs/heads and refs/tags are refused", async () => {
        await commitFile("refs.txt", "r\n", "refs");
        for (const ref of ["refs/notes/commits", "refs/pull/1/head", "refs/remotes/origin/x"]) {
          const out = await push(`HEAD:${ref}`);
          assert.notEqual(out.code, 0, ref);
          assert.match(out.stderr, /neither a branch \(refs\/heads\/\) nor a tag/, ref);
          assert.equal(await upstreamRef(ref), null, ref);
        }
        const bad = await push("HEAD:refs/heads//main");
        assert.notEqual(bad.code, 0);
        const both = await push("HEAD:refs/heads/ok-one", "HEAD:refs/heads/main");
        assert.notEqual(both.code, 0);
        assert.equal(await upstreamRef("refs/heads/ok-one"), null);
        await mustGit(["reset", "--quiet", "--hard", "origin/main"], inWork);
      });

      await t.step("a tag is created once and never moved", async () => {
        await commitFile("tag.txt", "t\n", "tag");
        await mustGit(["tag", "v1"], inWork);
        assert.equal((await push("refs/tags/v1")).code, 0);
        await commitFile("tag2.txt", "t\n", "tag2");
        await mustGit(["tag", "-f", "v1"], inWork);
        const moved = await push("--force", "refs/tags/v1");
        assert.notEqual(moved.code, 0);
        assert.match(moved.stderr, /tags may only be created/);
        await mustGit(["reset", "--quiet", "--hard", "origin/main"], inWork);
      });

      await t.step("a protected path changed by rename or gitlink is refused", async () => {
        await mustGit(["mv", ".github/workflows/ci.yml", "ci.yml"], inWork);
        await mustGit(["commit", "--quiet", "-m", "rename"], inWork);
        const renamed = await push("HEAD:refs/heads/renamed");
        assert.notEqual(renamed.code, 0);
        assert.match(renamed.stderr, /protected path/);
        await mustGit(["reset", "--quiet", "--hard", "origin/main"], inWork);
        const head = await mustGit(["rev-parse", "HEAD"], inWork);
        await mustGit(
          ["update-index", "--add", "--cacheinfo", `160000,${head},.github/workflows/sub`],
          inWork,
        );
        await mustGit(["commit", "--quiet", "-m", "gitlink"], inWork);
        const linked = await push("HEAD:refs/heads/gitlink");
        assert.notEqual(linked.code, 0);
        assert.match(linked.stderr, /protected path/);
        await mustGit(["reset", "--quiet", "--hard", "origin/main"], inWork);
      });

      await t.step("a merge cannot revert a protected path to an older version", async () => {
        const base = await mustGit(["rev-parse", "HEAD"], inWork);
        // A human changes the workflow on main.
        await commitFile(".github/workflows/ci.yml", "on: push\npermissions: read-all\n", "v2");
        await mustGit(["push", "--quiet", upstream, "HEAD:main"], inWork);
        await mustGit(["fetch", "--quiet", "origin"], inWork);
        // The agent merges main with the older commit and keeps the older workflow.
        await mustGit(["reset", "--quiet", "--hard", "origin/main"], inWork);
        await mustGit(["checkout", "--quiet", base, "--", ".github/workflows/ci.yml"], inWork);
        const tree = await mustGit(["write-tree"], inWork);
        const merge = await mustGit(
          ["commit-tree", tree, "-p", "HEAD", "-p", base, "-m", "merge"],
          inWork,
        );
        await mustGit(["reset", "--quiet", "--hard", merge], inWork);
        const out = await push("HEAD:refs/heads/evil-merge");
        assert.notEqual(out.code, 0, out.stderr);
        assert.match(out.stderr, /protected path "\.github\/workflows\/ci\.yml"/);
        assert.equal(await upstreamRef("refs/heads/evil-merge"), null);
        await mustGit(["reset", "--quiet", "--hard", "origin/main"], inWork);
      });

      await t.step(
        "merging main (which changed a protected path) into a branch is allowed",
        async () => {
          await mustGit(["checkout", "--quiet", "-b", "agent-work", "HEAD~1"], inWork);
          await commitFile("agent.txt", "work\n", "agent work");
          await mustGit(["merge", "--quiet", "--no-edit", "origin/main"], inWork);
          const out = await push("HEAD:refs/heads/agent-work");
          assert.equal(out.code, 0, out.stderr);
          await mustGit(["checkout", "--quiet", "-B", "main", "origin/main"], inWork);
        },
      );

      await t.step("secrets in a tag message, an author name, base64: refused", async () => {
        await commitFile("tagged.txt", "t\n", "tagged");
        await mustGit(["tag", "-a", "v-secret", "-m", `release ${fakeAwsId()}`], inWork);
        const tag = await push("refs/tags/v-secret");
        assert.notEqual(tag.code, 0);
        assert.match(tag.stderr, /looks like it holds a secret/);
        await mustGit(["tag", "-d", "v-secret"], inWork);
        await mustGit(["reset", "--quiet", "--hard", "origin/main"], inWork);

        Deno.writeTextFileSync(join(work, "a.txt"), "a\n");
        await mustGit(["add", "a.txt"], inWork);
        await mustGit(["commit", "--quiet", "-m", "by", `--author=${fakeAwsId()} <a@b.c>`], inWork);
        const author = await push("HEAD:refs/heads/author");
        assert.notEqual(author.code, 0);
        assert.match(author.stderr, /looks like it holds a secret/);
        await mustGit(["reset", "--quiet", "--hard", "origin/main"], inWork);

        await commitFile("b64.txt", btoa(`aws_access_key_id = ${fakeAwsId()}\n`), "b64");
        const b64 = await push("HEAD:refs/heads/b64");
        assert.notEqual(b64.code, 0);
        assert.match(b64.stderr, /looks like it holds a secret/);
        await mustGit(["reset", "--quiet", "--hard", "origin/main"], inWork);
      });

      await t.step("a secret in a file name is refused", async () => {
        const id = fakeAwsId();
        await commitFile(`keys/${id}/hello.txt`, "hello\n", "name");
        const out = await push("HEAD:refs/heads/file-name");
        assert.notEqual(out.code, 0, out.stderr);
        assert.match(
          out.stderr,
          /a file or directory name in tree .* looks like it holds a secret/,
        );
        assert.ok(!out.stderr.includes(id), "the refusal repeats the secret");
        assert.ok(!Deno.readTextFileSync(join(logDir, "git.jsonl")).includes(id));
        assert.equal(await upstreamRef("refs/heads/file-name"), null);
        await mustGit(["reset", "--quiet", "--hard", "origin/main"], inWork);
      });

      await t.step("a gzip request body cannot carry a pack past max_push_bytes", async () => {
        Deno.writeTextFileSync(join(work, "zeros.txt"), "0".repeat(3 << 20));
        await mustGit(["add", "zeros.txt"], inWork);
        await mustGit(["commit", "--quiet", "-m", "zeros"], inWork);
        const head = await mustGit(["rev-parse", "HEAD"], inWork);
        const pack = await packOf(work, home, "HEAD", "origin/main");
        assert.ok(pack.length > 3 << 20, `an uncompressed pack: ${pack.length}`);
        const command = `${"0".repeat(40)} ${head} refs/heads/gzipped\0report-status\n`;
        const body = concat(new TextEncoder().encode(pkt(command) + "0000"), pack);
        const gzipped = await gzip(body);
        assert.ok(gzipped.length < 1 << 20, `gzip: ${gzipped.length}`);
        const answer = await rawRequest(port, {
          method: "POST",
          target: "/repo.git/git-receive-pack",
          headers: [
            ["Content-Type", "application/x-git-receive-pack-request"],
            ["Content-Encoding", "gzip"],
          ],
          body: gzipped,
        });
        assert.doesNotMatch(answer.text, /ok refs\/heads\/gzipped/);
        assert.equal(await upstreamRef("refs/heads/gzipped"), null);
        await mustGit(["reset", "--quiet", "--hard", "origin/main"], inWork);
      });

      await t.step("malformed objects (a tree holding .git) are refused", async () => {
        const blob = await mustGit(["rev-parse", "HEAD:README.md"], inWork);
        const mktree = async (stdin: string): Promise<string> =>
          (await git(["mktree"], { ...inWork, stdin })).stdout.trim();
        const inner = await mktree(`100644 blob ${blob}\tconfig\n`);
        const github = await mustGit(["rev-parse", "HEAD:.github"], inWork);
        const tree = await mktree(
          `040000 tree ${inner}\t.git\n040000 tree ${github}\t.github\n` +
            `100644 blob ${blob}\tREADME.md\n`,
        );
        const commit = await mustGit(["commit-tree", tree, "-p", "HEAD", "-m", "dotgit"], inWork);
        const out = await push(`${commit}:refs/heads/dotgit`);
        assert.notEqual(out.code, 0, out.stderr);
        assert.match(out.stderr, /hasDotgit/);
        assert.equal(await upstreamRef("refs/heads/dotgit"), null);
      });

      await t.step("connections without end get a busy answer; the gate stays up", async () => {
        const hanging: Deno.Conn[] = [];
        const request = new TextEncoder().encode(
          "POST /repo.git/git-upload-pack HTTP/1.1\r\nHost: x\r\n" +
            "Content-Type: application/x-git-upload-pack-request\r\nContent-Length: 100000\r\n\r\n",
        );
        try {
          for (let i = 0; i < MAX_BACKENDS + 8; i++) {
            const conn = await Deno.connect({ hostname: "127.0.0.1", port });
            hanging.push(conn);
            await conn.write(request);
          }
          const answers = await Promise.all(hanging.map(async (conn) => {
            const buffer = new Uint8Array(4096);
            const timer = new Promise<null>((resolve) => setTimeout(() => resolve(null), 4_000));
            const n = await Promise.race([conn.read(buffer).catch(() => null), timer]);
            return n === null ? "" : new TextDecoder().decode(buffer.subarray(0, n));
          }));
          const busy = answers.filter((text) => /^HTTP\/1\.1 503/.test(text)).length;
          assert.equal(busy, 8, answers.filter((text) => text !== "").join("\n---\n"));
        } finally {
          for (const conn of hanging) conn.close();
        }
        const deadline = Date.now() + 15_000;
        let listed = await git(["ls-remote", `${gate.url}/repo.git`], { home });
        while (listed.code !== 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          listed = await git(["ls-remote", `${gate.url}/repo.git`], { home });
        }
        assert.equal(listed.code, 0, listed.stderr);
      });

      await t.step("the audit log and the daemon's log hold no credential", () => {
        const text = Deno.readTextFileSync(join(logDir, "git.jsonl")) +
          Deno.readTextFileSync(gate.stderrFile);
        assert.ok(!text.includes(CREDENTIAL_MARKER));
      });
    } finally {
      await gate.stop();
      await Deno.remove(root, { recursive: true });
    }
  },
});
