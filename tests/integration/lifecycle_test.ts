/**
 * The whole life of a bottle on the real bwrap backend: apply → exec → egress allowed and
 * denied → escape attempts fail → drift after killing parts behind the engine's back →
 * apply repairs → destroy leaves nothing.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { StateStore } from "../../engine/state.ts";
import { isAlive, type ProcessIdentity, waitForExit } from "../../lib/process.ts";
import { agentUid, expectCode, startUpstream, testBackend, World } from "./harness.ts";

const BOTTLE = `
backend: bwrap
env:
  GREETING: hello
egress:
  allow: [allowed.test]
  deny: ["*.blocked.test"]
  routes:
    - host: allowed.test
      passthrough: true
`;

function identityOf(world: World, id: string, key: "init" | "supervisor"): ProcessIdentity {
  const store = new StateStore(world.stateDir);
  try {
    const outputs = store.get(id)?.outputs as Record<string, unknown> | undefined;
    return outputs?.[key] as ProcessIdentity;
  } finally {
    store.close();
  }
}

Deno.test("lifecycle: apply, exec, egress, escapes, drift, repair, destroy", async (t) => {
  const upstream = startUpstream("hello from upstream");
  const world = await World.create({
    BOT_BOTTLE_TEST_RESOLVE: JSON.stringify({
      "allowed.test": "127.0.0.1",
      "x.blocked.test": "127.0.0.1",
      "other.test": "127.0.0.1",
    }),
  });
  await world.writeBottle("life", BOTTLE);
  const exec = (...argv: string[]) => world.cli(["exec", "life", "--", ...argv]);
  try {
    await t.step("plan shows the bottle's graph and exits 2 with --detailed-exitcode", async () => {
      const plan = await world.cli(["plan", "--detailed-exitcode"]);
      expectCode(plan, 2, "plan");
      assertMatch(plan.stdout, /\+ sandbox\.life \(sandbox\)/);
      // docker adds the bottle's image.
      const resources = testBackend() === "docker" ? 11 : 10;
      assertMatch(
        plan.stdout,
        new RegExp(`Plan: ${resources} to add, 0 to change, 0 to destroy\\.`),
      );
    });

    await t.step("apply without a terminal and without --yes refuses", async () => {
      const refused = await world.cli(["apply"]);
      expectCode(refused, 1, "apply without --yes");
      assertMatch(refused.stderr, /stdin is not a terminal/);
      assertEquals(world.processes(), []);
    });

    await t.step("apply --yes brings the bottle up; a second plan has no changes", async () => {
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply");
      expectCode(await world.cli(["plan", "--detailed-exitcode"]), 0, "plan after apply");
    });

    await t.step("exec passes stdio and exit status through", async () => {
      const echo = await exec("sh", "-c", 'echo "$GREETING from $(id -u)"; exit 7');
      assertEquals(echo.code, 7);
      assertEquals(echo.stdout, `hello from ${agentUid()}\n`);
      expectCode(await exec("true"), 0, "exec true");
      expectCode(await exec("false"), 1, "exec false");
    });

    await t.step("an allowed host answers through the proxy (plain HTTP and CONNECT)", async () => {
      const url = `http://allowed.test:${upstream.port}/hi`;
      const plain = await exec("curl", "-sS", "--max-time", "5", url);
      expectCode(plain, 0, "curl allowed");
      assertEquals(plain.stdout, "hello from upstream /hi");
      const tunnel = await exec("curl", "-sS", "--max-time", "5", "--proxytunnel", url);
      expectCode(tunnel, 0, "curl allowed via CONNECT");
      assertEquals(tunnel.stdout, "hello from upstream /hi");
    });

    await t.step("a denied host gets 403 with a reason the agent can read", async () => {
      for (const host of ["other.test", "x.blocked.test"]) {
        const denied = await exec(
          "curl",
          "-sS",
          "-i",
          "--max-time",
          "5",
          `http://${host}:${upstream.port}/`,
        );
        assertMatch(denied.stdout, /^HTTP\/1\.1 403/);
        assertMatch(denied.stdout, /x-bot-bottle-reason: .*(allowlist|deny)/i);
      }
      const tunnel = await exec(
        "curl",
        "-sS",
        "--max-time",
        "5",
        "--proxytunnel",
        `http://other.test:${upstream.port}/`,
      );
      assert_(tunnel.code !== 0, "CONNECT to a denied host must fail");
      assertMatch(tunnel.stderr, /403/);
    });

    await t.step(
      "escapes: host loopback, any IP, any DNS lookup all fail from inside",
      async () => {
        const direct = await exec(
          "curl",
          "-sS",
          "--noproxy",
          "*",
          "--max-time",
          "3",
          `http://127.0.0.1:${upstream.port}/`,
        );
        assert_(direct.code !== 0, `direct host-loopback connection must fail: ${direct.stdout}`);
        const alias = await exec(
          "curl",
          "-sS",
          "--noproxy",
          "*",
          "--max-time",
          "3",
          `http://127.0.0.2:${upstream.port}/`,
        );
        assert_(alias.code !== 0, "another loopback address must not reach the host");
        const route = await exec("ip", "-4", "route", "get", "1.1.1.1");
        assert_(route.code !== 0, "no route to any IP may exist");
        assertMatch(route.stderr, /unreachable/i);
        const links = await exec("cat", "/proc/net/dev");
        assertEquals(
          links.stdout.split("\n").slice(2).filter(Boolean).map((l) => l.trim().split(":")[0]),
          ["lo"],
        );
        const dns = await exec("getent", "hosts", "example.com");
        assert_(dns.code !== 0, "DNS lookups must fail");
        // Docker always mounts a resolv.conf: the bottle's is empty.
        const resolver = testBackend() === "bwrap" ? ["!", "-e"] : ["!", "-s"];
        expectCode(await exec("test", ...resolver, "/etc/resolv.conf"), 0, "no resolver");
      },
    );

    await t.step(
      "killing the sandbox behind the engine's back is drift; apply repairs it",
      async () => {
        const init = identityOf(world, "sandbox.life", "init");
        Deno.kill(init.pid, "SIGKILL");
        await waitForExit(init, 2000);
        const drift = await world.cli(["drift"]);
        expectCode(drift, 2, "drift after killing the sandbox");
        assertMatch(drift.stdout, /sandbox\.life \(sandbox\) gone/);
        expectCode(await world.cli(["apply", "--yes"]), 0, "repairing apply");
        expectCode(await world.cli(["drift"]), 0, "drift after repair");
        expectCode(await exec("true"), 0, "exec after repair");
      },
    );

    await t.step(
      "killing the sidecar bundle is drift; apply repairs it and egress works again",
      async () => {
        const supervisor = identityOf(world, "sidecar_bundle.life", "supervisor");
        Deno.kill(-supervisor.pid, "SIGKILL");
        await waitForExit(supervisor, 2000);
        const drift = await world.cli(["drift", "--json"]);
        expectCode(drift, 2, "drift after killing the bundle");
        const report = JSON.parse(drift.stdout) as { items: { id: string; kind: string }[] };
        assertEquals(report.items.map((i) => `${i.id}:${i.kind}`), ["sidecar_bundle.life:gone"]);
        expectCode(await world.cli(["apply", "--yes"]), 0, "repairing apply");
        const again = await exec(
          "curl",
          "-sS",
          "--max-time",
          "5",
          `http://allowed.test:${upstream.port}/again`,
        );
        assertEquals(again.stdout, "hello from upstream /again");
      },
    );

    await t.step("destroy leaves no process, socket, directory or state row", async () => {
      const runDir = join(world.stateDir, "bottles", "life", "run");
      const pids = [
        identityOf(world, "sandbox.life", "init"),
        identityOf(world, "sidecar_bundle.life", "supervisor"),
      ];
      expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
      for (const pid of pids) assert_(!isAlive(pid), `process ${pid.pid} survived destroy`);
      assertEquals(world.processes(), []);
      assert_(
        !Deno.readTextFileSync("/proc/self/mountinfo").includes(world.stateDir),
        "a mount survived",
      );
      assert_(!existsSync(runDir), "the door's run directory survived destroy");
      assert_(
        !existsSync(join(world.stateDir, "bottles", "life")),
        "the bottle directory survived",
      );
      const store = new StateStore(world.stateDir);
      assertEquals(store.all(), []);
      store.close();
      expectCode(await world.cli(["drift"]), 0, "drift after destroy");
    });
  } finally {
    await world.cli(["destroy", "--yes"]);
    await upstream.close();
  }
});
