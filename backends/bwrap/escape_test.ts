/** The escape suite for bwrap: the shared network steps, then what only bwrap can show. */
import assert from "node:assert/strict";
import type { SandboxHandle } from "../backend.ts";
import { bwrapBackend } from "./backend.ts";
import { ESCAPE_DOOR, networkEscapeSteps, systemEscapeSteps } from "../escape_suite.ts";
import { inside, makeBottle, removeBottle, serveDoor } from "../testing.ts";
import { cli, LINUX } from "./test_helpers.ts";

Deno.test({
  name: "escape suite (bwrap)",
  ignore: !LINUX,
  async fn(t): Promise<void> {
    const bottle = makeBottle("escape", [ESCAPE_DOOR]);
    const { spec } = bottle;
    const door = serveDoor(`${spec.runDir}/${ESCAPE_DOOR.socket}`);
    const handle = await bwrapBackend.start(spec);
    const run = (script: string): Promise<{ code: number; output: string }> =>
      inside(bwrapBackend, handle, spec, script);
    try {
      await networkEscapeSteps(t, bwrapBackend, handle, spec, door);

      await t.step("files: no host secrets, homes, state or daemon sockets", async () => {
        const secret = Deno.makeTempFileSync({ prefix: "bottle-host-secret-" });
        const absent = [
          "/etc/shadow",
          "/etc/gshadow",
          "/etc/sudoers",
          "/etc/ssh",
          "/etc/ssl/private",
          "/etc/gitconfig",
          "/etc/environment",
          "/etc/resolv.conf",
          "/root",
          "/var",
          "/opt",
          "/srv",
          "/mnt",
          "/sys",
          "/run/docker.sock",
          "/var/run/docker.sock",
          "/run/user",
          secret,
          bottle.root,
          Deno.cwd(),
        ];
        const { code, output } = await run(
          absent.map((path) => `test -e '${path}' && echo "visible: ${path}"`).join("; ") +
            "; ls -A /home; ls -A /run; hostname",
        );
        Deno.removeSync(secret);
        assert.equal(code, 0);
        assert.equal(output, "agent\nbottle\nbottle-escape\n");
      });

      await systemEscapeSteps(t, bwrapBackend, handle, spec, {
        readOnly: ["/run/bottle/x"],
        uid: 1000,
        gid: 1000,
      });

      await t.step("privileges: the sandbox's own processes hold no capabilities", () => {
        for (const pid of sandboxPids(handle)) {
          const status = Deno.readTextFileSync(`/proc/${pid}/status`);
          for (const field of ["CapPrm", "CapEff", "CapBnd", "CapAmb"]) {
            assert.match(status, new RegExp(`^${field}:\\s+0+$`, "m"), `${field} of ${pid}`);
          }
          assert.match(status, /^NoNewPrivs:\s+1$/m);
        }
      });

      await t.step("terminal: an exec without a TTY has no controlling terminal", async () => {
        const { output } = await run("cut -d' ' -f7 /proc/self/stat");
        assert.equal(output, "0\n");
      });

      await t.step("descriptors: nothing the CLI inherited reaches the sandbox", async () => {
        // The wrapper leaks a directory and a file into the CLI, as a careless parent might.
        const leaky = 'exec 7</ 8>>/dev/null 9</etc; exec "$@"';
        const exec = await cli(
          [
            "exec",
            JSON.stringify(handle),
            JSON.stringify(spec),
            JSON.stringify({ tty: false }),
            "/bin/ls",
            "/proc/self/fd",
          ],
          { wrapper: leaky },
        );
        assert.equal(exec.stdout, "0\n1\n2\n3\n", exec.stderr);
        for (const pid of sandboxPids(handle)) {
          for (const fd of Deno.readDirSync(`/proc/${pid}/fd`)) {
            const target = Deno.readLinkSync(`/proc/${pid}/fd/${fd.name}`);
            assert.match(target, /^(\/dev\/null|pipe:\[\d+\]|anon_inode:\[\w+\]|socket:\[\d+\])$/);
          }
        }
      });
    } finally {
      await bwrapBackend.stop(handle);
      door.close();
      removeBottle(bottle);
    }
  },
});

Deno.test({
  name: "descriptors leaked into the CLI never reach a sandbox it starts",
  ignore: !LINUX,
  async fn(): Promise<void> {
    const bottle = makeBottle("leak", [ESCAPE_DOOR]);
    const started = await cli(["start", JSON.stringify(bottle.spec)], {
      wrapper: 'exec 7</ 8>>/dev/null 9</etc; exec "$@"',
    });
    assert.equal(started.code, 0, started.stderr);
    const handle = JSON.parse(started.stdout) as SandboxHandle;
    try {
      for (const pid of [handle.init.pid, ...sandboxPids(handle)]) {
        for (const fd of Deno.readDirSync(`/proc/${pid}/fd`)) {
          const target = Deno.readLinkSync(`/proc/${pid}/fd/${fd.name}`);
          assert.match(
            target,
            /^(\/dev\/null|pipe:\[\d+\]|anon_inode:\[\w+\]|socket:\[\d+\])$/,
            `pid ${pid} fd ${fd.name}`,
          );
        }
      }
    } finally {
      await bwrapBackend.stop(handle);
      removeBottle(bottle);
    }
  },
});

/**
 * Host pids of every process inside the sandbox (same pid namespace as its pid 1) whose
 * descriptors we may read: pid 1 is non-dumpable, so only root sees into it (the root run
 * checks it; an ordinary operator cannot, and neither can the agent).
 */
function sandboxPids(handle: SandboxHandle): number[] {
  const pidns = Deno.readLinkSync(`/proc/${handle.inner.pid}/ns/pid`);
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      if (Deno.readLinkSync(`/proc/${entry.name}/ns/pid`) !== pidns) continue;
      if (Deno.uid() !== 0 && Number(entry.name) === handle.inner.pid) continue;
      pids.push(Number(entry.name));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}
