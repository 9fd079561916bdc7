import assert from "node:assert/strict";
import type { SandboxHandle } from "../backend.ts";
import { identify, isAlive, waitForExit } from "../../lib/process.ts";
import { preflight } from "../preflight.ts";
import { bwrapBackend } from "./backend.ts";
import { launch, sandboxFiles } from "./launch.ts";
import { sandboxOwner } from "./owner.ts";
import { stagePrefix } from "./stage.ts";
import { listeningPortsOf } from "./listening.ts";
import { inside, makeBottle, removeBottle } from "../testing.ts";
import { cli, LINUX, namespaceOf, pidsInNamespace } from "./test_helpers.ts";
import { poll } from "../../lib/wait.ts";

function ms(start: number): string {
  return (performance.now() - start).toFixed(1);
}

Deno.test({
  name: "bwrap lifecycle: start, status, exec, stop",
  ignore: !LINUX,
  async fn(t): Promise<void> {
    const bottle = makeBottle("life", [], { GREETING: "hello world" });
    const { spec } = bottle;
    await preflight();
    let started = performance.now();
    const handle = await bwrapBackend.start(spec);
    const startMs = ms(started);
    try {
      await t.step("the handle names bwrap and its pid 1, both running", () => {
        assert.equal(handle.backend, "bwrap");
        assert.notEqual(handle.init.pid, handle.inner.pid);
        assert.deepEqual(bwrapBackend.status(handle), { state: "running", problems: [] });
      });

      await t.step("the host's process list names the bottle, pid 1 inside names no path", () => {
        const outer = Deno.readTextFileSync(`/proc/${handle.init.pid}/cmdline`).split("\0");
        assert.match(outer[0], /(^|\/)bwrap$/);
        const owner = sandboxOwner();
        const named = owner.switched
          ? outer.some((arg) => arg.startsWith(stagePrefix(spec.runDir)))
          : outer.includes(spec.workspaceDir);
        assert.ok(named, outer.join(" "));
        assert.ok(!outer.some((arg) => arg.includes("hello world")));
        const init = Deno.readTextFileSync(`/proc/${handle.inner.pid}/cmdline`).split("\0");
        assert.deepEqual(init.filter(Boolean), ["bottle-init"]);
        assert.throws(() => Deno.statSync(`${spec.backendDir}/bwrap-args`), Deno.errors.NotFound);
      });

      await t.step("exit statuses pass through", async () => {
        const run = (argv: string[]): Promise<number> =>
          bwrapBackend.exec(handle, spec, argv, { tty: false });
        assert.equal(await run(["true"]), 0);
        assert.equal(await run(["false"]), 1);
        assert.equal(await run(["sh", "-c", "exit 7"]), 7);
        assert.equal(await run(["sh", "-c", "kill -9 $$"]), 137);
        assert.equal(await run(["sh", "-c", "kill -TERM $$"]), 143);
        assert.equal(await run(["no-such-command-in-bottle"]), 127);
      });

      await t.step("the environment is exactly the sandbox's plus the call's", async () => {
        const result = await cli([
          "exec",
          JSON.stringify(handle),
          JSON.stringify(spec),
          JSON.stringify({ tty: false, env: { EXTRA: "from exec" } }),
          "/usr/bin/env",
          "-0",
        ]);
        assert.equal(result.code, 0, result.stderr);
        const env = Object.fromEntries(
          result.stdout.split("\0").filter(Boolean).map((line) => {
            const at = line.indexOf("=");
            return [line.slice(0, at), line.slice(at + 1)];
          }),
        );
        assert.deepEqual(env, {
          GREETING: "hello world",
          EXTRA: "from exec",
          HOME: "/home/agent",
          USER: "agent",
          LOGNAME: "agent",
          PATH: "/usr/local/bin:/usr/bin:/bin",
          NO_PROXY: "localhost,127.0.0.1",
          no_proxy: "localhost,127.0.0.1",
        });
      });

      await t.step("cwd defaults to /workspace and may be anything inside", async () => {
        assert.equal((await inside(bwrapBackend, handle, spec, "pwd")).output, "/workspace\n");
        assert.equal(
          (await inside(bwrapBackend, handle, spec, "pwd", { cwd: "/tmp" })).output,
          "/tmp\n",
        );
        const missing = await bwrapBackend.exec(handle, spec, ["true"], {
          tty: false,
          cwd: "/no/such/dir",
        });
        assert.notEqual(missing, 0);
      });

      await t.step("stdin and stdout pass through, from a CLI in another process", async () => {
        const result = await cli(
          [
            "exec",
            JSON.stringify(handle),
            JSON.stringify(spec),
            JSON.stringify({ tty: false }),
            "sh",
            "-c",
            'read line; echo "got:$line"; echo oops >&2; exit 3',
          ],
          { stdin: "ping\n" },
        );
        assert.equal(result.code, 3);
        assert.equal(result.stdout, "got:ping\n");
        assert.equal(result.stderr, "oops\n");
      });

      await t.step("repeated execs all succeed (timings are logged, not asserted)", async () => {
        const runs = 10;
        started = performance.now();
        for (let i = 0; i < runs; i++) {
          assert.equal(await bwrapBackend.exec(handle, spec, ["true"], { tty: false }), 0);
        }
        const execMs = ((performance.now() - started) / runs).toFixed(1);
        console.log(`bwrap timings: start ${startMs} ms, exec true ${execMs} ms (mean of ${runs})`);
      });
    } finally {
      const pidns = namespaceOf(handle.inner.pid, "pid");
      const mntns = namespaceOf(handle.inner.pid, "mnt");
      const logPipe = Deno.readLinkSync(`/proc/${handle.init.pid}/fd/1`);
      started = performance.now();
      await bwrapBackend.stop(handle);
      console.log(`bwrap timings: stop ${ms(started)} ms`);
      await t.step("stop leaves no process, mount namespace or log writer", async () => {
        assert.deepEqual(bwrapBackend.status(handle).state, "gone");
        assert.deepEqual(pidsInNamespace("pid", pidns), []);
        assert.deepEqual(pidsInNamespace("mnt", mntns), []);
        assert.equal(await holdersOf(logPipe, 2000), 0);
        assert.ok(!Deno.readTextFileSync("/proc/self/mountinfo").includes(bottle.root));
      });
      await t.step("stop is idempotent and exec refuses a gone sandbox", async () => {
        await bwrapBackend.stop(handle);
        await assert.rejects(
          bwrapBackend.exec(handle, spec, ["true"], { tty: false }),
          /bottle "life": its sandbox is not running \(bwrap \(pid \d+\) has exited\)/,
        );
      });
      removeBottle(bottle);
    }
  },
});

/** How many live processes still hold `link` (e.g. `pipe:[123]`) open, waiting up to timeoutMs. */
async function holdersOf(link: string, timeoutMs: number): Promise<number> {
  let holders = 0;
  await poll(() => {
    holders = 0;
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      try {
        for (const fd of Deno.readDirSync(`/proc/${entry.name}/fd`)) {
          if (Deno.readLinkSync(`/proc/${entry.name}/fd/${fd.name}`) === link) holders++;
        }
      } catch {
        // exited or not ours to read
      }
    }
    return holders === 0;
  }, { timeoutMs, intervalMs: 20 });
  return holders;
}

Deno.test({
  name: "the sandbox outlives the CLI that started it",
  ignore: !LINUX,
  async fn(): Promise<void> {
    const bottle = makeBottle("survive", [{ name: "egress", port: 3128, socket: "egress.sock" }]);
    const started = await cli(["start", JSON.stringify(bottle.spec)]);
    assert.equal(started.code, 0, started.stderr);
    const handle = JSON.parse(started.stdout) as SandboxHandle;
    try {
      assert.deepEqual(bwrapBackend.status(handle), { state: "running", problems: [] });
      assert.ok(listeningPortsOf(handle.inner.pid).has(3128));
      assert.equal(await bwrapBackend.exec(handle, bottle.spec, ["true"], { tty: false }), 0);
      // Its own session: the operator's terminal signals never reach it.
      const stat = Deno.readTextFileSync(`/proc/${handle.init.pid}/stat`);
      const [, , pgid, sid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
      assert.equal(sid, handle.init.pid);
      assert.equal(pgid, handle.init.pid);
    } finally {
      await bwrapBackend.stop(handle);
      removeBottle(bottle);
    }
    assert.equal(bwrapBackend.status(handle).state, "gone");
  },
});

Deno.test({
  name: "killing bwrap behind our back shows as gone, and stop still cleans up",
  ignore: !LINUX,
  async fn(): Promise<void> {
    const bottle = makeBottle("killed");
    const handle = await bwrapBackend.start(bottle.spec);
    const pidns = namespaceOf(handle.inner.pid, "pid");
    try {
      Deno.kill(handle.init.pid, "SIGKILL");
      await waitForExit(handle.init, 1000);
      const status = bwrapBackend.status(handle);
      assert.equal(status.state, "gone");
      assert.match(status.state === "gone" ? status.reason : "", /bwrap \(pid \d+\) has exited/);
      assert.ok(isAlive(handle.inner), "bwrap's death alone does not end the sandbox");
    } finally {
      await bwrapBackend.stop(handle);
      removeBottle(bottle);
    }
    assert.deepEqual(pidsInNamespace("pid", pidns), []);
  },
});

Deno.test({
  name: "a reused pid is not the sandbox: status gone, stop leaves it alone",
  ignore: !LINUX,
  async fn(): Promise<void> {
    const bystander = new Deno.Command("sleep", { args: ["30"] }).spawn();
    try {
      const real = identify(bystander.pid);
      assert.ok(real);
      const stale = { pid: real.pid, startTime: real.startTime - 1 };
      const handle: SandboxHandle = { backend: "bwrap", init: stale, inner: stale };
      assert.equal(bwrapBackend.status(handle).state, "gone");
      await bwrapBackend.stop(handle);
      assert.ok(isAlive(real));
    } finally {
      bystander.kill("SIGKILL");
      await bystander.status;
    }
  },
});

Deno.test({
  name: "a failed start kills what it started and reports bwrap's own words",
  ignore: !LINUX,
  async fn(): Promise<void> {
    const tools = await preflight();
    const bottle = makeBottle("fail");
    const backendDir = bottle.spec.backendDir;
    const common = { tools, owner: sandboxOwner(), seccomp: null, backendDir };
    try {
      await assert.rejects(
        launch({
          ...common,
          runDir: bottle.spec.runDir,
          services: [],
          invocation: {
            options: ["--no-such-option", "--info-fd", "3"],
            environment: [],
            command: ["true"],
            privateSources: [],
          },
        }),
        /bwrap sandbox failed to start: bwrap exited.*\n--- .*sandbox\.log.*\n.*Unknown option --no-such-option/s,
      );
      const marker = `never-listens-${crypto.randomUUID()}`;
      await assert.rejects(
        launch({
          ...common,
          runDir: bottle.spec.runDir,
          services: [{ name: "nothing", port: 4999, socket: "nothing.sock" }],
          readyTimeoutMs: 300,
          invocation: {
            options: [
              "--unshare-all",
              "--unshare-user",
              "--ro-bind",
              "/",
              "/",
              "--as-pid-1",
              "--info-fd",
              "3",
            ],
            environment: ["--clearenv"],
            command: ["/bin/sh", "-c", `sleep 600 # ${marker}`],
            privateSources: [],
          },
        }),
        /door ports 4999 did not listen within 300 ms/,
      );
      assert.deepEqual(processesMentioning(marker), []);
      assert.throws(() => Deno.statSync(sandboxFiles(backendDir).args), Deno.errors.NotFound);
      await assert.rejects(
        bwrapBackend.start({ ...bottle.spec, workspaceDir: `${bottle.root}/missing` }),
        /workspaceDir .*missing is not an existing directory/,
      );
    } finally {
      removeBottle(bottle);
    }
  },
});

function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name) || Number(entry.name) === Deno.pid) continue;
    try {
      const mentions = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).includes(marker);
      if (mentions && identify(Number(entry.name)) !== null) pids.push(Number(entry.name));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}
