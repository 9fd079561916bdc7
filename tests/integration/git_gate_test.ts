/**
 * The git gate, end to end: a real bottle (bwrap) with stock `git` inside, against real
 * upstreams on 127.0.0.1 (an OpenSSH server with a pinned host key and a key the agent never
 * sees, and git smart HTTP behind a token). What the agent may push lands upstream before its
 * push returns; everything else is refused with the rule, and nothing of it reaches upstream.
 *
 * In `USER_SUITE` (tests/as_user.ts): `deno task test` under root runs this file again as the
 * ordinary user `bbtester`, where the gate, its credentials and the sandbox all belong to that
 * one uid, so "the agent cannot read the key or token" is a real test of the sandbox's walls,
 * not of file ownership. The whole file runs as both, SSH upstream included, rather than an
 * HTTP-only copy for the user: the SSH fixture logs in the user running it and sshd runs git
 * through that user's passwd shell, so the runner gives `bbtester` (created with nologin, like
 * the sandbox account) `/bin/sh`. That is one line in the runner, not a second test to drift.
 */
import { join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { type CliResult, expectCode, World } from "./harness.ts";
import { operatorCheckout } from "./git_operator_checkout.ts";
import {
  commitUpstream,
  installUpstreamPreReceive,
  startHttpUpstream,
  startSshUpstream,
  upstreamHasObject,
  upstreamRefs,
} from "./git_upstreams.ts";

/** A fake AWS key pair, made at run time so no scanner flags this file. */
function fakeAwsKey(): string {
  const pick = (alphabet: string, n: number): string =>
    Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join("");
  const id = "AKIA" + pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  const secret = pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+", 40);
  return `aws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`;
}

function output(result: CliResult): string {
  return `${result.stdout}\n${result.stderr}`;
}

Deno.test("git gate: fetch and push only declared upstreams, by policy, holding the keys", async (t) => {
  const ssh = await startSshUpstream();
  const http = await startHttpUpstream();
  const world = await World.create({ GATE_TOKEN: http.token });
  const base = await Deno.makeTempDir({ prefix: "bb-gate-" });
  const checkout = await operatorCheckout(ssh, base);
  const key = await Deno.readTextFile(ssh.privateKeyPath);
  const manifest = (branches: string): string =>
    [
      "backend: bwrap",
      `workspace: ${checkout}`,
      "git_user: {name: Gate Agent, email: agent@example.invalid}",
      "git:",
      "  app:",
      `    remote: ${ssh.url}`,
      `    credential: {file: ${ssh.privateKeyPath}}`,
      `    known_hosts: "${ssh.knownHostsLine}"`,
      "    protected_branches: [main]",
      "    push:",
      `      branches: ${branches}`,
      "      protected_paths: ['.github/workflows/**']",
      "  site:",
      `    remote: ${http.url}`,
      "    credential: {env: GATE_TOKEN}",
    ].join("\n");
  await world.writeBottle("gated", manifest("['agent/*']"));
  const inside = (script: string): Promise<CliResult> =>
    world.cli(["exec", "gated", "--", "sh", "-c", script]);
  const sandboxPid = async (): Promise<number> => {
    const state = await world.cli(["state", "show", "sandbox.gated", "--json"]);
    return Number(/"pid":\s*(\d+)/.exec(state.stdout)?.[1] ?? 0);
  };
  try {
    await t.step("apply brings up the gate; the origin fetches through it", async () => {
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply");
      const fetched = await inside("git fetch origin && git ls-remote origin");
      expectCode(fetched, 0, "fetch origin");
      assertMatch(fetched.stdout, new RegExp(`${ssh.initialCommit}\\s+refs/heads/main`));
    });

    await t.step("a push to an allowed branch lands upstream before it returns", async () => {
      const pushed = await inside(
        "git switch -q -c agent/one && echo one > one.txt && git add one.txt && " +
          "git commit -q -m one && git push -q origin agent/one && git rev-parse HEAD",
      );
      expectCode(pushed, 0, "push agent/one");
      const refs = await upstreamRefs(ssh.repoPath);
      assertEquals(refs["refs/heads/agent/one"], pushed.stdout.trim().split("\n").pop());
    });

    await t.step("a push to a protected branch is refused with the reason", async () => {
      const refused = await inside("git push origin HEAD:main");
      assert_(refused.code !== 0, "push to main must fail");
      assertMatch(output(refused), /protected/i);
      assertEquals((await upstreamRefs(ssh.repoPath))["refs/heads/main"], ssh.initialCommit);
    });

    await t.step(
      "a branch outside the allowed patterns, force-push and deletion are refused",
      async () => {
        const other = await inside("git push origin HEAD:feature/x");
        assert_(other.code !== 0, "feature/x is not allowed");
        const force = await inside(
          "git commit -q --amend -m one-amended && git push -f origin agent/one",
        );
        assert_(force.code !== 0, "force-push must fail");
        assertMatch(output(force), /force|fast-forward/i);
        const deleted = await inside("git push origin :agent/one");
        assert_(deleted.code !== 0, "deletion must fail");
        assert_(
          (await upstreamRefs(ssh.repoPath))["refs/heads/agent/one"] !== undefined,
          "still there",
        );
      },
    );

    await t.step(
      "a pushed file holding a cloud key is refused; nothing of it reaches upstream",
      async () => {
        const leak = await inside(
          `git switch -q -c agent/leak origin/main && cat > creds.ini <<'EOF'\n${fakeAwsKey().trim()}\nEOF\ngit add creds.ini && git commit -q -m config && git rev-parse HEAD:creds.ini && ` +
            "git push origin agent/leak",
        );
        assert_(leak.code !== 0, "the push with a key must fail");
        assertMatch(output(leak), /aws/i);
        const blob = leak.stdout.trim().split("\n")[0];
        assert_(!(await upstreamHasObject(ssh.repoPath, blob)), "the blob must not reach upstream");
      },
    );

    await t.step("a commit touching a protected path is refused", async () => {
      const workflow = await inside(
        "git switch -q -c agent/ci origin/main && mkdir -p .github/workflows && " +
          "echo 'on: push' > .github/workflows/x.yml && git add .github && " +
          "git commit -q -m ci && git push origin agent/ci",
      );
      assert_(workflow.code !== 0, "protected path");
      assertMatch(output(workflow), /\.github\/workflows/);
    });

    await t.step("upstream's own refusal reaches the agent", async () => {
      await installUpstreamPreReceive(ssh.repoPath, "upstream says no: ticket required");
      const refused = await inside(
        "git switch -q -c agent/two origin/main && echo 2 > two.txt && git add two.txt && " +
          "git commit -q -m two && git push origin agent/two",
      );
      assert_(refused.code !== 0, "upstream refused");
      assertMatch(output(refused), /upstream says no: ticket required/);
      await Deno.remove(join(ssh.repoPath, "hooks", "pre-receive"));
    });

    await t.step("fetch sees a commit made upstream after apply", async () => {
      const sha = await commitUpstream(ssh.repoPath, "later.txt", "made upstream\n");
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const fetched = await inside("git fetch -q origin && git rev-parse origin/main");
      expectCode(fetched, 0, "fetch");
      assertEquals(fetched.stdout.trim(), sha);
    });

    await t.step(
      "another declared upstream clones over HTTPS-with-token; the token stays out",
      async () => {
        const cloned = await inside(
          `cd /tmp && git clone -q ${http.url} site && git -C site log --oneline`,
        );
        expectCode(cloned, 0, "clone site");
        assert_(http.requests.length > 0 && http.requests.every((r) => r.authorized), "token used");
        const config = await inside("git -C /tmp/site config --list; env");
        assert_(!output(config).includes(http.token), "the token is not inside");
      },
    );

    await t.step(
      "an undeclared remote fails directly and through the gate, naming git:",
      async () => {
        const direct = await inside("git ls-remote git@github.com:someone/else.git");
        assert_(direct.code !== 0, "undeclared");
        assertMatch(output(direct), /git:/);
        const viaGate = await inside("git ls-remote http://127.0.0.1:3129/nope.git");
        assert_(viaGate.code !== 0, "unknown name");
        assertMatch(output(viaGate), /git:/);
      },
    );

    await t.step(
      "the agent cannot read the key or the token: filesystem, /proc, environment",
      async () => {
        const secrets: Record<string, string> = {
          key: key.split("\n")[1].slice(0, 40),
          token: http.token,
        };
        for (const [what, secret] of Object.entries(secrets)) {
          const found = await inside(
            `grep -rslF -- '${secret}' /workspace /home /tmp /run /etc /proc/*/environ ` +
              `2>/dev/null; env | grep -cF -- '${secret}'`,
          );
          assertEquals(found.stdout, "0\n", `found the ${what} inside:\n${found.stdout}`);
        }
        const gate = join(world.stateDir, "bottles", "gated", "gate");
        const listed = await inside(`ls ${world.stateDir} ${gate}/credentials`);
        assert_(listed.code !== 0 && listed.stdout === "", `state is visible:\n${listed.stdout}`);
      },
    );

    await t.step("the audit log has each decision, never a credential", async () => {
      const logs = await world.cli(["logs", "gated", "--git"]);
      expectCode(logs, 0, "logs --git");
      const lines = logs.stdout.trim().split("\n").map((line) =>
        JSON.parse(line) as { op: string; verdict: string; ref: string | null }
      );
      assert_(lines.some((l) => l.op === "push" && l.verdict === "allow"), "an allowed push");
      assert_(
        lines.some((l) => l.op === "push" && l.verdict === "deny" && l.ref === "refs/heads/main"),
        "the refused push to main",
      );
      assert_(lines.some((l) => l.op === "fetch"), "a fetch");
      assert_(!logs.stdout.includes(http.token), "no token in the audit");
      assert_(!logs.stdout.includes(key.split("\n")[1].slice(0, 40)), "no key in the audit");
    });

    await t.step("a rotated token plans as an in-place update of the credentials", async () => {
      const plan = await world.cli(["plan"], { GATE_TOKEN: `${http.token}-rotated` });
      assertMatch(plan.stdout, /~ git_credentials\.gated/);
      assert_(!plan.stdout.includes(http.token), "the plan shows no token");
    });

    await t.step("a changed policy applies in place, without restarting the sandbox", async () => {
      const before = await sandboxPid();
      assert_(before > 0, "the sandbox's pid is recorded");
      await world.writeBottle("gated", manifest("['agent/*', 'feature/*']"));
      const plan = await world.cli(["plan"]);
      assertMatch(plan.stdout, /~ git_gate_policy\.gated/);
      assert_(!/[-+]\/?[-+]? (sandbox|git_gate)\.gated/.test(plan.stdout), plan.stdout);
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply the new policy");
      const pushed = await inside("git push -q origin HEAD:feature/x");
      expectCode(pushed, 0, "feature/x now allowed");
      assertEquals(await sandboxPid(), before);
    });

    await t.step("drift: a deleted mirror and a dead gate are reported and repaired", async () => {
      await Deno.remove(join(world.stateDir, "bottles", "gated", "gate", "mirrors", "app.git"), {
        recursive: true,
      });
      const drift = await world.cli(["drift"]);
      assertEquals(drift.code, 2, output(drift));
      assertMatch(drift.stdout, /git_mirror\.gated\.app/);
      expectCode(await world.cli(["apply", "--yes"]), 0, "repair");
      expectCode(await inside("git fetch -q origin"), 0, "fetch after repair");
      const gate = await world.cli(["state", "show", "git_gate.gated", "--json"]);
      const supervisor = Number(/"pid":\s*(\d+)/.exec(gate.stdout)?.[1] ?? 0);
      assert_(supervisor > 0, gate.stdout);
      Deno.kill(-supervisor, "SIGKILL");
      await new Promise((resolve) => setTimeout(resolve, 300));
      const dead = await world.cli(["drift"]);
      assertEquals(dead.code, 2, output(dead));
      assertMatch(dead.stdout, /git_gate\.gated/);
      expectCode(await world.cli(["apply", "--yes"]), 0, "repair the gate");
      expectCode(await inside("git fetch -q origin"), 0, "fetch after the gate is back");
    });

    await t.step("destroy leaves no gate process and no gate directory", async () => {
      expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
      assertEquals(world.processes(), []);
      let exists = true;
      try {
        await Deno.stat(join(world.stateDir, "bottles", "gated", "gate"));
      } catch {
        exists = false;
      }
      assert_(!exists, "gate directory removed");
    });
  } finally {
    await world.cli(["destroy", "--yes"]);
    await ssh.stop();
    await http.stop();
    await Deno.remove(base, { recursive: true }).catch(() => {});
  }
});

Deno.test("git gate: host keys come from the operator's known_hosts; none, or a wrong one, fails closed", async () => {
  const ssh = await startSshUpstream();
  const home = await Deno.makeTempDir({ prefix: "bb-gate-home-" });
  const denoDir = Deno.env.get("DENO_DIR") ??
    join(Deno.env.get("HOME") ?? "/root", ".cache", "deno");
  const world = await World.create({ HOME: home, DENO_DIR: denoDir });
  try {
    await world.writeBottle(
      "wrongkey",
      [
        "backend: bwrap",
        "git:",
        "  app:",
        `    remote: ${ssh.url}`,
        `    credential: {file: ${ssh.privateKeyPath}}`,
      ].join("\n"),
    );
    const unknown = await world.cli(["plan"]);
    assert_(unknown.code !== 0, "plan without a host key must fail");
    assertMatch(output(unknown), /no host key for \[127\.0\.0\.1\]:\d+ in .*known_hosts/);
    assertMatch(output(unknown), /ssh-keyscan -p \d+ 127\.0\.0\.1/);
    await Deno.mkdir(join(home, ".ssh"), { recursive: true });
    await Deno.writeTextFile(join(home, ".ssh", "known_hosts"), `${ssh.wrongKnownHostsLine}\n`);
    expectCode(await world.cli(["apply", "--yes"]), 0, "apply");
    const fetched = await world.cli([
      "exec",
      "wrongkey",
      "--",
      "sh",
      "-c",
      "cd /tmp && git clone " + ssh.url + " x",
    ]);
    assert_(fetched.code !== 0, "a wrong host key must fail");
    assertMatch(output(fetched), /host key/i);
  } finally {
    await world.cli(["destroy", "--yes"]);
    await ssh.stop();
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
});
