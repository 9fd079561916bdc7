/**
 * A docker bottle through the real CLI, as on bwrap: apply (image built, containers up),
 * exec through the door to an upstream on 127.0.0.1 by the egress proxy, `bottle verify`
 * probe for probe, a container removed behind our back is drift and apply repairs it, and
 * destroy leaves no container or image with the bottle's labels. Needs a Docker daemon (CI
 * starts one); without one it fails rather than skips.
 */
import { join } from "node:path";
import { assert_, assertEquals } from "../assert.ts";
import { docker } from "../../backends/docker/cli.ts";
import { LABELS } from "../../backends/docker/labels.ts";
import { requireDocker } from "../../backends/docker/testing.ts";
import { expectCode, startUpstream, World } from "./harness.ts";

async function labelled(kind: "ps" | "images", stateDb: string): Promise<string[]> {
  const args = kind === "ps" ? ["ps", "--all"] : ["images"];
  const out = await docker([
    ...args,
    "--filter",
    `label=${LABELS.stateDb}=${stateDb}`,
    "--format",
    kind === "ps" ? "{{.Names}}" : "{{.Repository}}:{{.Tag}}",
  ]);
  return out.split("\n").filter((line) => line !== "");
}

Deno.test({
  name: "docker: apply, exec through the door, verify, drift and repair, destroy leaves nothing",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await requireDocker();
    const upstream = startUpstream("upstream says hi");
    const world = await World.create();
    world.env.BOT_BOTTLE_CACHE_DIR = join(world.dir, "..", "cache");
    const stateDb = join(world.stateDir, "state.db");
    await world.writeBottle(
      "dk",
      `backend: docker
limits: {memory: 1g, cpus: 1, pids: 300}
egress:
  allow: [upstream.test]
  routes:
    - host: upstream.test
      upstream: http://127.0.0.1:${upstream.port}`,
    );
    try {
      const plan = await world.cli(["plan"]);
      expectCode(plan, 0, "plan");
      assert_(plan.stdout.includes("+ docker_image.dk (docker_image)"), plan.stdout);
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply");
      assertEquals((await labelled("ps", stateDb)).length, 2, "agent and door containers");

      const exec = await world.cli([
        "exec",
        "dk",
        "--",
        "sh",
        "-c",
        'id -un; test -w /workspace && echo ws-ok; printf "GET http://upstream.test/x HTTP/1.0\\r\\nHost: upstream.test\\r\\n\\r\\n" | socat -t 5 - TCP:127.0.0.1:3128 | tail -n 1',
      ]);
      expectCode(exec, 0, "exec");
      assertEquals(exec.stdout, "agent\nws-ok\nupstream says hi /x");

      const verify = await world.cli(["verify", "dk", "--json", "--dir", world.dir]);
      const report = JSON.parse(verify.stdout) as {
        probes: { id: string; verdict: string; evidence: string }[];
      };
      const failed = report.probes.filter((probe) => !["PASS", "SKIP"].includes(probe.verdict));
      assertEquals(failed.map((p) => `${p.verdict} ${p.id}: ${p.evidence}`), [], "verify");
      expectCode(verify, 0, "verify");
      expectCode(await world.cli(["drift"]), 0, "drift after verify");

      // docker exec passes no signal on: the CLI signals the command's group inside itself.
      const running = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", world.mainPath, "exec", "dk", "--", "sh", "-c", "echo up; sleep 60"],
        cwd: world.dir,
        env: { BOT_BOTTLE_STATE_DIR: world.stateDir, NO_COLOR: "1", ...world.env },
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const reader = running.stdout.getReader();
      assertEquals(new TextDecoder().decode((await reader.read()).value), "up\n");
      running.kill("SIGTERM");
      const [status] = await Promise.all([running.status, running.stderr.cancel()]);
      reader.releaseLock();
      await running.stdout.cancel();
      assertEquals(status.code, 143, "exec ended by SIGTERM");
      const left = await world.cli(["exec", "dk", "--", "sh", "-c", "ps -eo comm= | sort -u"]);
      assertEquals(left.stdout.includes("sleep"), false, left.stdout);

      // Removed behind the engine's back (the door first: Podman will not remove the agent's
      // container while the door's shares its network).
      const containers = await labelled("ps", stateDb);
      for (
        const name of containers.sort((a, b) =>
          Number(b.endsWith("-door")) - Number(a.endsWith("-door"))
        )
      ) {
        await docker(["rm", "--force", name]);
      }
      const drift = await world.cli(["drift"]);
      expectCode(drift, 2, "drift after the container was removed");
      assert_(drift.stdout.includes("sandbox.dk"), drift.stdout);
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply repairs");
      expectCode(await world.cli(["drift"]), 0, "no drift after repair");
      expectCode(await world.cli(["exec", "dk", "--", "true"]), 0, "exec after repair");
    } finally {
      expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
      await upstream.close();
    }
    assertEquals(await labelled("ps", stateDb), [], "containers left");
    assertEquals(await labelled("images", stateDb), [], "images left");
    await Deno.remove(join(world.dir, ".."), { recursive: true });
  },
});
