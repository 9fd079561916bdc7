/**
 * The escape suite for docker: the shared network steps, then what the containers must hold
 * to (no host paths, read-only system, no privileges, the door out of the agent's reach,
 * limits, labels), and that stopping leaves nothing labelled behind.
 */
import assert from "node:assert/strict";
import { ESCAPE_DOOR, networkEscapeSteps, systemEscapeSteps } from "../escape_suite.ts";
import { inside, makeBottle, removeBottle, serveDoor } from "../testing.ts";
import { sandboxOwner } from "../bwrap/owner.ts";
import { dockerBackend } from "./backend.ts";
import { docker } from "./cli.ts";
import { LABELS } from "./labels.ts";
import { dockerTestImage, requireDocker } from "./testing.ts";

Deno.test("escape suite (docker)", async (t) => {
  await requireDocker();
  const image = await dockerTestImage();
  const bottle = makeBottle("escape", [ESCAPE_DOOR]);
  const stateDb = `${bottle.root}/state.db`;
  // A database that exists: `bottle cleanup` reaps objects labelled with a deleted one.
  Deno.writeFileSync(stateDb, new Uint8Array());
  const spec = {
    ...bottle.spec,
    owner: { project: bottle.root, stateDb },
    image,
    limits: { memory: "512m", cpus: 1, pids: 200 },
  };
  const door = serveDoor(`${spec.runDir}/${ESCAPE_DOOR.socket}`);
  const handle = await dockerBackend.start(spec);
  const run = (script: string): Promise<{ code: number; output: string }> =>
    inside(dockerBackend, handle, spec, script);
  const owner = sandboxOwner();
  try {
    await networkEscapeSteps(t, dockerBackend, handle, spec, door);

    await t.step("files: no host paths, homes, state or daemon sockets", async () => {
      const secret = Deno.makeTempFileSync({ prefix: "bottle-host-secret-" });
      const absent = [
        "/run/docker.sock",
        "/var/run/docker.sock",
        "/run/containerd",
        "/root/.docker",
        secret,
        bottle.root,
        Deno.cwd(),
      ];
      const { code, output } = await run(
        absent.map((path) => `test -e '${path}' && echo "visible: ${path}"`).join("; ") +
          "; ls -A /home /run/bottle; hostname",
      );
      Deno.removeSync(secret);
      assert.equal(code, 0, output);
      assert.equal(output, "/home:\nagent\n\n/run/bottle:\nbottle-escape\n");
    });

    await systemEscapeSteps(t, dockerBackend, handle, spec, {
      readOnly: ["/etc/bot-bottle/x"],
      uid: owner.uid,
      gid: owner.gid,
    });

    await t.step("files: what the agent writes is the owner's on the host, never root's", () => {
      assert.notEqual(owner.uid, 0);
      assert.equal(Deno.statSync(`${spec.homeDir}/.proof`).uid, owner.uid);
      assert.equal(Deno.statSync(`${spec.workspaceDir}/proof`).uid, owner.uid);
    });

    await t.step("processes: the door is invisible and survives kill -9 -1 inside", async () => {
      const { output } = await run("ps -eo comm= | sort -u | tr '\\n' ' '");
      assert.doesNotMatch(output, /socat/);
      await dockerBackend.exec(handle, spec, ["/bin/sh", "-c", "kill -9 -1"], { tty: false });
      const after = await run(
        `printf ping | socat -t 2 - TCP:127.0.0.1:${ESCAPE_DOOR.port},connect-timeout=2`,
      );
      assert.equal(after.output, "pong\n");
      assert.equal(dockerBackend.status(handle).state, "running");
    });

    await t.step("limits and hardening as docker sees them", async () => {
      const config = JSON.parse(
        await docker(["inspect", "--format", "{{json .HostConfig}}", handle.containers!.agent]),
      ) as {
        Memory: number;
        NanoCpus: number;
        PidsLimit: number;
        ReadonlyRootfs: boolean;
        NetworkMode: string;
        CapDrop: string[];
        CapAdd: string[] | null;
        SecurityOpt: string[];
        Privileged: boolean;
      };
      assert.equal(config.Memory, 512 * 1024 * 1024);
      assert.equal(config.NanoCpus, 1e9);
      assert.equal(config.PidsLimit, 200);
      assert.equal(config.ReadonlyRootfs, true);
      assert.equal(config.NetworkMode, "none");
      // Docker records ["ALL"]; Podman the list of its default set (the privileges step shows
      // the process holds none either way).
      assert.ok(config.CapDrop.includes("ALL") || config.CapDrop.includes("CAP_CHOWN"));
      assert.deepEqual(config.CapAdd ?? [], []);
      assert.ok(config.SecurityOpt.includes("no-new-privileges"));
      assert.equal(config.Privileged, false);
    });

    await t.step(
      "labels: both containers name the project, bottle and state database",
      async () => {
        for (
          const [name, role] of [[handle.containers!.agent, "agent"], [
            handle.containers!.door,
            "door",
          ]]
        ) {
          const labels = JSON.parse(
            await docker(["inspect", "--format", "{{json .Config.Labels}}", name]),
          ) as Record<string, string>;
          assert.equal(labels[LABELS.project], bottle.root);
          assert.equal(labels[LABELS.bottle], "escape");
          assert.equal(labels[LABELS.stateDb], stateDb);
          assert.equal(labels[LABELS.role], role);
        }
      },
    );
  } finally {
    await dockerBackend.stop(handle);
    door.close();
  }
  const left = await docker([
    "ps",
    "--all",
    "--quiet",
    "--filter",
    `label=${LABELS.stateDb}=${stateDb}`,
  ]);
  assert.equal(left.trim(), "", "containers left after stop");
  assert.equal(dockerBackend.status(handle).state, "gone");
  removeBottle(bottle);
});
