/**
 * The escapes a real agent found (issue 8), as attacks that must fail: host root through a
 * sysctl when the operator is root, killing the door with `kill -9 -1`, ptrace of pid 1, and
 * capabilities left in the bounding set. Runs as root and as an ordinary user.
 */
import assert from "node:assert/strict";
import { bwrapBackend } from "./backend.ts";
import { ESCAPE_DOOR } from "../escape_suite.ts";
import { inside, makeBottle, removeBottle, serveDoor } from "../testing.ts";
import { LINUX } from "./test_helpers.ts";
import { sandboxOwner } from "./owner.ts";
import { signalIfAlive } from "../../lib/process.ts";
import { poll, sleep } from "../../lib/wait.ts";

const PTRACE = Deno.build.arch === "aarch64" ? 117 : 101;

Deno.test({
  name: "escapes found by a hostile agent stay closed (bwrap)",
  ignore: !LINUX,
  async fn(t): Promise<void> {
    const bottle = makeBottle("priv", [ESCAPE_DOOR]);
    const { spec } = bottle;
    const door = serveDoor(`${spec.runDir}/${ESCAPE_DOOR.socket}`);
    let handle = await bwrapBackend.start(spec);
    const run = (script: string): Promise<{ code: number; output: string }> =>
      inside(bwrapBackend, handle, spec, script);
    const knock = (): Promise<{ code: number; output: string }> =>
      run("printf ping | socat -t 2 - TCP:127.0.0.1:3128,connect-timeout=2");
    try {
      await t.step("identity: nothing inside is root on the host, not even for root", async () => {
        const owner = sandboxOwner();
        assert.notEqual(owner.uid, 0);
        for (const pid of [handle.init.pid, handle.inner.pid]) {
          const status = Deno.readTextFileSync(`/proc/${pid}/status`);
          const uids = /^Uid:\s+(.*)$/m.exec(status)?.[1].split(/\s+/).map(Number) ?? [];
          assert.deepEqual(uids, [owner.uid, owner.uid, owner.uid, owner.uid], `pid ${pid}`);
        }
        const { code } = await run("echo x > /workspace/made-inside; sleep 0.1");
        assert.equal(code, 0);
        assert.equal(Deno.statSync(`${spec.workspaceDir}/made-inside`).uid, owner.uid);
      });

      await t.step("sysctl: core_pattern and sysrq cannot be written", async () => {
        const { output } = await run(
          [
            "(echo '|/workspace/x.sh' > /proc/sys/kernel/core_pattern) 2>/dev/null && echo WROTE",
            "(echo 1 > /proc/sys/kernel/sysrq) 2>/dev/null && echo WROTE-SYSRQ",
            "test -e /proc/sysrq-trigger && (echo h > /proc/sysrq-trigger) 2>/dev/null && echo TRIG",
            "grep -c ' /proc/sys ro,' /proc/self/mountinfo",
          ].join("\n"),
        );
        assert.equal(output, "1\n");
        assert.doesNotMatch(Deno.readTextFileSync("/proc/sys/kernel/core_pattern"), /x\.sh/);
      });

      await t.step("capabilities: every set empty in exec'd processes, bounding too", async () => {
        const { output } = await run("grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' /proc/self/status");
        for (const line of output.trim().split("\n")) assert.match(line, /:\s+0+$/, line);
        assert.equal(output.trim().split("\n").length, 5);
      });

      await t.step("pid 1: unkillable and untraceable from inside", async () => {
        const { output } = await run(
          [
            "kill -9 1 2>/dev/null; kill -TERM 1 2>/dev/null",
            `perl -e 'print syscall(${PTRACE}, 16, 1, 0, 0) == -1 ? "ptrace-denied\\n" : "TRACED\\n"'`,
            "cat /proc/1/environ >/dev/null 2>&1 || echo environ-denied",
            "tr '\\0' ' ' < /proc/1/cmdline; echo",
          ].join("\n"),
        );
        assert.equal(output, "ptrace-denied\nenviron-denied\nbottle-init \n");
        assert.equal(bwrapBackend.status(handle).state, "running");
        // A flood of the one signal a perl init with a handler could not refuse, and limits.
        await run(
          "for i in 1 2 3; do (n=0; while [ $n -lt 4000 ]; do kill -CHLD 1; n=$((n+1)); done) & " +
            "done; prlimit --pid 1 --cpu=1:1 2>/dev/null; kill -STOP 1; kill -SEGV 1; wait",
        );
        await sleep(200);
        assert.deepEqual(bwrapBackend.status(handle), { state: "running", problems: [] });
      });

      await t.step(
        "exec: what the agent leaves behind gets none of the CLI's descriptors",
        async () => {
          // A leftover keeps the command's stdin and stdout, sleeps past its return, then reads
          // what the operator types next and writes after the CLI has returned.
          const payload = "exec 9<&0 8>&1; ( exec setsid sh -c 'sleep 1; " +
            "cat <&9 > /workspace/stolen; echo LATE >&8' & ); echo done";
          const child = new Deno.Command(Deno.execPath(), {
            args: [
              "run",
              "-A",
              "--quiet",
              new URL("./test_cli.ts", import.meta.url).pathname,
              "exec",
              JSON.stringify(handle),
              JSON.stringify(spec),
              JSON.stringify({ tty: false }),
              "/bin/sh",
              "-c",
              payload,
            ],
            stdin: "piped",
            stdout: "piped",
            stderr: "null",
          }).spawn();
          const printed = new Response(child.stdout).text();
          assert.equal((await child.status).code, 0);
          const writer = child.stdin.getWriter();
          await writer.write(new TextEncoder().encode("typed-after-return hunter2\n")).catch(
            () => {},
          );
          await writer.close().catch(() => {});
          const late = new Promise<string>((resolve) =>
            setTimeout(() => resolve("(still open)"), 3000)
          );
          assert.equal(await Promise.race([printed, late]), "done\n");
          await sleep(500);
          const stolen = await run("cat /workspace/stolen 2>/dev/null; true");
          assert.doesNotMatch(stolen.output, /hunter2/);
        },
      );

      await t.step(
        "door: kill -9 -1 inside takes the agent's processes, not the door",
        async () => {
          assert.equal((await knock()).output, "pong\n");
          await bwrapBackend.exec(handle, spec, ["/bin/sh", "-c", "sleep 60 & kill -9 -1"], {
            tty: false,
          });
          const status = bwrapBackend.status(handle);
          assert.deepEqual(status, { state: "running", problems: [] });
          const after = await knock();
          assert.equal(after.output, "pong\n", "the door still answers");
        },
      );

      await t.step(
        "door: a keeper killed on the host is a problem, and repair restores it",
        async () => {
          assert.ok(handle.door && signalIfAlive(handle.door, "SIGKILL"));
          let status = bwrapBackend.status(handle);
          await poll(() => {
            status = bwrapBackend.status(handle);
            return status.state !== "running" || status.problems.length >= 2;
          }, { timeoutMs: 2000, intervalMs: 20 });
          assert.equal(status.state, "running");
          assert.ok(status.state === "running" && status.problems.length > 0);
          handle = await bwrapBackend.repair(handle, spec);
          assert.deepEqual(bwrapBackend.status(handle), { state: "running", problems: [] });
          assert.equal((await knock()).output, "pong\n");
        },
      );
    } finally {
      await bwrapBackend.stop(handle);
      door.close();
      removeBottle(bottle);
    }
  },
});
