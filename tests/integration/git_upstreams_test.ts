/**
 * The git gate's upstream fixtures work with stock `git` alone (no gate): over SSH with the
 * generated key and known_hosts line (and not with a wrong host key), over smart HTTP with the
 * token (and 401 without it); pushes land, upstream commits fetch, the upstream's own refusal
 * reaches the pusher, and `stop()` leaves nothing running.
 */
import { join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { runOutput, type RunResult } from "../../lib/command.ts";
import { allProcesses, readCmdline } from "../../lib/process.ts";
import { accepts, waitUntil } from "../../lib/wait.ts";
import {
  commitUpstream,
  installUpstreamPreReceive,
  startHttpUpstream,
  startSshUpstream,
  upstreamHasObject,
  upstreamRefs,
} from "./git_upstreams.ts";

/** A scratch HOME for `git` as a client, reading no one's config and never prompting. */
class Client {
  private constructor(readonly dir: string) {}

  static async create(): Promise<Client> {
    return new Client(await Deno.makeTempDir({ prefix: "bb-git-client-" }));
  }

  git(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<RunResult> {
    return runOutput("git", args, {
      clearEnv: true,
      cwd: cwd ?? this.dir,
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: this.dir,
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_TERMINAL_PROMPT: "0",
        GIT_AUTHOR_NAME: "Agent",
        GIT_AUTHOR_EMAIL: "agent@example.invalid",
        GIT_COMMITTER_NAME: "Agent",
        GIT_COMMITTER_EMAIL: "agent@example.invalid",
        ...env,
      },
    });
  }

  /** A commit of `file` in the clone `work`; returns its sha. */
  async commit(work: string, file: string, text: string): Promise<string> {
    await Deno.writeTextFile(join(work, file), text);
    ok(await this.git(["add", file], {}, work), "add");
    ok(await this.git(["commit", "-q", "-m", `agent: ${file}`], {}, work), "commit");
    return ok(await this.git(["rev-parse", "HEAD"], {}, work), "rev-parse").stdout.trim();
  }

  async remove(): Promise<void> {
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}

function ok(result: RunResult, what: string): RunResult {
  assertEquals(result.code, 0, `${what} failed: ${result.stderr}`);
  return result;
}

const quote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

function sshCommand(key: string, knownHosts: string, extra: string[] = []): string {
  return [
    "ssh",
    "-F",
    "/dev/null",
    "-i",
    quote(key),
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${quote(knownHosts)}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    ...extra,
  ].join(" ");
}

Deno.test("ssh upstream: ls-remote, push, fetch and refusal with the key; a wrong host key fails", async (t) => {
  const upstream = await startSshUpstream();
  const client = await Client.create();
  const knownHosts = join(client.dir, "known_hosts");
  const wrongHosts = join(client.dir, "wrong_known_hosts");
  await Deno.writeTextFile(knownHosts, `${upstream.knownHostsLine}\n`);
  await Deno.writeTextFile(wrongHosts, `${upstream.wrongKnownHostsLine}\n`);
  const env = { GIT_SSH_COMMAND: sshCommand(upstream.privateKeyPath, knownHosts) };
  const work = join(client.dir, "work");
  const log = async (): Promise<string> => await Deno.readTextFile(upstream.logPath);
  try {
    assertMatch(upstream.url, /^ssh:\/\/[^@]+@127\.0\.0\.1:\d+\/.+\/repo\.git$/);
    assertMatch(upstream.knownHostsLine, /^\[127\.0\.0\.1\]:\d+ ssh-ed25519 AAAA\S+$/);

    await t.step("ls-remote sees main at the initial commit", async () => {
      const result = await client.git(["ls-remote", upstream.url], env);
      ok(result, `ls-remote (sshd log:\n${await log()})`);
      assertMatch(result.stdout, new RegExp(`^${upstream.initialCommit}\trefs/heads/main$`, "m"));
    });

    await t.step("clone and push: the commit lands upstream", async () => {
      ok(await client.git(["clone", "-q", upstream.url, work], env), "clone");
      const sha = await client.commit(work, "agent.txt", "from the agent\n");
      ok(await client.git(["push", "-q", "origin", "main"], env, work), "push");
      assert_(await upstreamHasObject(upstream.repoPath, sha), "the pushed commit is upstream");
      assertEquals((await upstreamRefs(upstream.repoPath))["refs/heads/main"], sha);
    });

    await t.step("fetch brings a commit made upstream", async () => {
      const sha = await commitUpstream(upstream.repoPath, "docs/upstream.txt", "upstream work\n");
      ok(await client.git(["fetch", "-q", "origin"], env, work), "fetch");
      const fetched = ok(await client.git(["rev-parse", "origin/main"], env, work), "rev-parse");
      assertEquals(fetched.stdout.trim(), sha);
    });

    await t.step("the scp-like URL works with -p PORT in the ssh command", async () => {
      const scpEnv = {
        GIT_SSH_COMMAND: sshCommand(upstream.privateKeyPath, knownHosts, [
          "-p",
          String(upstream.port),
        ]),
      };
      ok(await client.git(["ls-remote", upstream.scpUrl, "main"], scpEnv), "ls-remote scp-like");
    });

    await t.step("the upstream's own refusal reaches the pusher", async () => {
      await installUpstreamPreReceive(upstream.repoPath, "protected branch: no pushes today");
      ok(await client.git(["merge", "-q", "--ff-only", "origin/main"], env, work), "merge");
      const sha = await client.commit(work, "refused.txt", "refused\n");
      const push = await client.git(["push", "origin", "main"], env, work);
      assert_(push.code !== 0, "the push is refused");
      assertMatch(push.stderr, /protected branch: no pushes today/);
      assert_(!(await upstreamRefs(upstream.repoPath))["refs/heads/main"].startsWith(sha));
    });

    await t.step("a wrong known_hosts line: host key verification fails", async () => {
      const wrong = { GIT_SSH_COMMAND: sshCommand(upstream.privateKeyPath, wrongHosts) };
      const result = await client.git(["ls-remote", upstream.url], wrong);
      assert_(result.code !== 0, "ls-remote with the wrong host key fails");
      assertMatch(
        result.stderr,
        /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/,
      );
    });

    await t.step("another key is not let in", async () => {
      const stranger = join(client.dir, "stranger");
      ok(
        await runOutput("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", stranger]),
        "keygen",
      );
      const result = await client.git(["ls-remote", upstream.url], {
        GIT_SSH_COMMAND: sshCommand(stranger, knownHosts),
      });
      assert_(result.code !== 0, "ls-remote with an unknown key fails");
      assertMatch(result.stderr, /Permission denied/);
    });
  } finally {
    await upstream.stop();
    await client.remove();
  }
  assert_(!(await accepts(upstream.port)), "sshd is gone after stop()");
});

Deno.test("ssh upstream: stop() ends sessions still open (sshd gives each its own session)", async () => {
  const upstream = await startSshUpstream();
  const client = await Client.create();
  const knownHosts = join(client.dir, "known_hosts");
  await Deno.writeTextFile(knownHosts, `${upstream.knownHostsLine}\n`);
  const nap = `${3000 + Math.floor(Math.random() * 1000)}.${Date.now() % 1000}`;
  const ssh = new Deno.Command("sh", {
    args: ["-c", `${sshCommand(upstream.privateKeyPath, knownHosts)} "$@"`, "ssh"].concat([
      "-p",
      String(upstream.port),
      `${upstream.user}@127.0.0.1`,
      `exec sleep ${nap}`,
    ]),
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const sleeping = (): number[] =>
    allProcesses().filter((p) => readCmdline(p.pid)?.join(" ") === `sleep ${nap}`)
      .map((p) => p.pid);
  try {
    await waitUntil(() => sleeping().length > 0, { timeoutMs: 15_000, what: "the session" });
  } finally {
    await upstream.stop();
    await client.remove();
  }
  const status = await ssh.status;
  await ssh.stderr.cancel();
  assert_(!status.success, "the client saw its session end");
  assertEquals(sleeping(), [], "no session outlives stop()");
});

Deno.test("http upstream: 401 without the token; clone and push with it", async (t) => {
  const upstream = await startHttpUpstream();
  const client = await Client.create();
  const basic = btoa(`${upstream.username}:${upstream.token}`);
  const withToken = {
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "http.extraHeader",
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
  };
  const work = join(client.dir, "work");
  try {
    assertMatch(upstream.url, /^http:\/\/127\.0\.0\.1:\d+\/repo\.git$/);

    await t.step("without the token: 401 and git fails", async () => {
      const direct = await fetch(`${upstream.url}/info/refs?service=git-upload-pack`);
      await direct.body?.cancel();
      assertEquals(direct.status, 401);
      assertEquals(direct.headers.get("www-authenticate"), 'Basic realm="git"');
      const result = await client.git(["ls-remote", upstream.url]);
      assert_(result.code !== 0, "ls-remote without the token fails");
      assert_(upstream.requests.every((request) => !request.authorized));
    });

    await t.step("a wrong token: 401", async () => {
      const wrong = { ...withToken, GIT_CONFIG_VALUE_0: `Authorization: Basic ${btoa("x:nope")}` };
      const result = await client.git(["ls-remote", upstream.url], wrong);
      assert_(result.code !== 0, "ls-remote with a wrong token fails");
    });

    await t.step("clone and push with the token: the commit lands upstream", async () => {
      const before = upstream.requests.length;
      ok(await client.git(["clone", "-q", upstream.url, work], withToken), "clone");
      const sha = await client.commit(work, "agent.txt", "from the agent\n");
      ok(await client.git(["push", "-q", "origin", "main"], withToken, work), "push");
      assert_(await upstreamHasObject(upstream.repoPath, sha), "the pushed commit is upstream");
      assertEquals((await upstreamRefs(upstream.repoPath))["refs/heads/main"], sha);
      const used = upstream.requests.slice(before);
      assert_(used.length > 0 && used.every((request) => request.authorized), "token on each");
      assert_(used.some((request) => request.path === "/repo.git/git-receive-pack"), "a push");
    });

    await t.step("fetch brings a commit made upstream", async () => {
      const sha = await commitUpstream(upstream.repoPath, "upstream.txt", "upstream work\n");
      ok(await client.git(["fetch", "-q", "origin"], withToken, work), "fetch");
      const fetched = ok(await client.git(["rev-parse", "origin/main"], {}, work), "rev-parse");
      assertEquals(fetched.stdout.trim(), sha);
    });

    await t.step("a large push (chunked request body) goes through", async () => {
      const big = Array.from({ length: 40_000 }, (_, i) => `${i} ${crypto.randomUUID()}`);
      ok(await client.git(["merge", "-q", "--ff-only", "origin/main"], {}, work), "merge");
      const sha = await client.commit(work, "big.txt", big.join("\n"));
      // A pack over http.postBuffer goes as a chunked body of unknown length.
      const chunked = {
        ...withToken,
        GIT_CONFIG_COUNT: "2",
        GIT_CONFIG_KEY_1: "http.postBuffer",
        GIT_CONFIG_VALUE_1: "65536",
      };
      ok(await client.git(["push", "-q", "origin", "main"], chunked, work), "big push");
      assert_(await upstreamHasObject(upstream.repoPath, sha), "the big commit is upstream");
    });

    await t.step("the upstream's own refusal reaches the pusher", async () => {
      await installUpstreamPreReceive(upstream.repoPath, "protected branch: no pushes today");
      await client.commit(work, "refused.txt", "refused\n");
      const push = await client.git(["push", "origin", "main"], withToken, work);
      assert_(push.code !== 0, "the push is refused");
      assertMatch(push.stderr, /protected branch: no pushes today/);
    });
  } finally {
    await upstream.stop();
    await client.remove();
  }
  assert_(!(await accepts(upstream.port)), "the server is closed after stop()");
});
