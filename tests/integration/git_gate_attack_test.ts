/**
 * The git gate attacked from inside a real bottle: the agent owns its home, its workspace
 * and every byte it sends, but has no network, so nothing it configures reaches an upstream
 * except through the gate, and the gate's own files (hook socket, credentials) are not there.
 */
import { join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { type CliResult, expectCode, World } from "./harness.ts";
import { operatorCheckout } from "./git_operator_checkout.ts";
import { startHttpUpstream, startSshUpstream, upstreamRefs } from "./git_upstreams.ts";

Deno.test("git gate attack: no way around the gate from inside the bottle", async (t) => {
  const ssh = await startSshUpstream();
  const http = await startHttpUpstream();
  const world = await World.create({ GATE_TOKEN: http.token });
  const base = await Deno.makeTempDir({ prefix: "bb-gate-attack-" });
  const checkout = await operatorCheckout(ssh, base);
  await world.writeBottle(
    "gated",
    [
      "backend: bwrap",
      `workspace: ${checkout}`,
      "git:",
      "  app:",
      `    remote: ${ssh.url}`,
      `    credential: {file: ${ssh.privateKeyPath}}`,
      `    known_hosts: "${ssh.knownHostsLine}"`,
      "    protected_branches: [main]",
      "  site:",
      `    remote: ${http.url}`,
      "    credential: {env: GATE_TOKEN}",
    ].join("\n"),
  );
  const inside = (script: string): Promise<CliResult> =>
    world.cli(["exec", "gated", "--", "sh", "-c", script]);
  const sshPort = new URL(ssh.url).port;
  try {
    expectCode(await world.cli(["apply", "--yes"]), 0, "apply");

    await t.step("the agent's own git config cannot reach an upstream directly", async () => {
      // No ~/.gitconfig (no insteadOf rewrites), the upstream's real URLs, any ssh.
      const direct = await inside(
        `export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 ` +
          `GIT_SSH_COMMAND='ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o ConnectTimeout=5'; ` +
          `timeout 20 git ls-remote '${ssh.url}' >/dev/null 2>&1 && echo ssh-reached; ` +
          `timeout 20 git -c http.proxy= ls-remote '${http.url}' >/dev/null 2>&1 && echo http-reached; ` +
          `timeout 20 git -c 'url.${ssh.url}.insteadOf=x:' -c core.sshCommand=ssh ls-remote x: ` +
          `>/dev/null 2>&1 && echo rewrite-reached; ` +
          `bash -c 'exec 3<>/dev/tcp/127.0.0.1/${sshPort}' 2>/dev/null && echo tcp-reached; ` +
          `timeout 10 ssh -o BatchMode=yes -o StrictHostKeyChecking=no -p ${sshPort} 127.0.0.1 true ` +
          `>/dev/null 2>&1 && echo raw-ssh-reached; echo done`,
      );
      assertEquals(direct.stdout.trim(), "done", `reached an upstream:\n${direct.stdout}`);
      // Not vacuous: the same git fails for want of a network, not for a typo.
      const why = await inside(
        `GIT_CONFIG_GLOBAL=/dev/null GIT_SSH_COMMAND='ssh -o BatchMode=yes -o ConnectTimeout=5' ` +
          `timeout 20 git ls-remote '${ssh.url}' 2>&1; bash -c 'exec 3<>/dev/tcp/127.0.0.1/${sshPort}' 2>&1`,
      );
      assertMatch(why.stdout, /Connection refused|Network is unreachable|connect to host/);
    });

    await t.step("the gate's hook socket and credentials are not in the bottle", async () => {
      const gateDir = join(world.stateDir, "bottles", "gated", "gate");
      const seen = await inside(
        `test -e '${gateDir}/hook.sock' && echo hook-visible; ` +
          `test -e '${gateDir}/credentials' && echo credentials-visible; ` +
          `find / -xdev -name hook.sock 2>/dev/null | head -3; echo done`,
      );
      assertEquals(seen.stdout.trim(), "done", seen.stdout);
    });

    await t.step("through the gate a push still obeys the policy", async () => {
      const refused = await inside(
        "git -c 'http.extraHeader=GIT_CONFIG_PARAMETERS: '\\''core.hookspath'\\''='\\''/x'\\''' " +
          "push origin HEAD:refs/notes/x HEAD:main 2>&1; echo exit=$?",
      );
      assert_(!/exit=0/.test(refused.stdout), refused.stdout);
      const refs = await upstreamRefs(ssh.repoPath);
      assertEquals(refs["refs/notes/x"], undefined);
      assertEquals(refs["refs/heads/main"], ssh.initialCommit);
    });
  } finally {
    await world.cli(["destroy", "--yes"]);
    await ssh.stop();
    await http.stop();
    await Deno.remove(base, { recursive: true }).catch(() => {});
  }
});
