import assert from "node:assert/strict";
import { findOnPath } from "../../backends/preflight.ts";
import { childrenOf } from "../../lib/process.ts";
import { TEST_TIMEOUT_MS, withTimeout } from "../egress/testing/mod.ts";
import { SUPERVISOR_SCRIPT, supervisorCommand } from "./main.ts";
import type { RestartPolicyOptions } from "./restart_policy.ts";
import type { ChildSpec } from "./types.ts";
import { sleep, waitUntil } from "../../lib/wait.ts";

/** A stand-in daemon: listens on its socket, then behaves as `mode` says. */
const FAKE_DAEMON = `
const [socket, mode, marker] = Deno.args;
if (mode === "fail") Deno.exit(3);
if (mode === "fail-other") Deno.exit(4);
if (mode === "hang") await new Promise(() => setTimeout(() => {}, 60_000));
Deno.addSignalListener("SIGHUP", () => Deno.writeTextFileSync(marker, "reloaded"));
Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
try { Deno.removeSync(socket); } catch { /* none */ }
const listener = Deno.listen({ transport: "unix", path: socket });
(async () => { for await (const conn of listener) conn.close(); })();
if (mode === "crash") setTimeout(() => Deno.exit(1), 30);
`;

type Mode = "serve" | "crash" | "fail" | "fail-other" | "hang";

const FAST_RESTARTS: RestartPolicyOptions = {
  initialDelayMs: 10,
  maxDelayMs: 20,
  healthyAfterMs: 10_000,
  maxRestarts: 2,
  windowMs: 60_000,
};

function fakeChild(dir: string, mode: Mode): ChildSpec {
  return {
    name: "fake",
    command: Deno.execPath(),
    args: ["eval", FAKE_DAEMON, `${dir}/fake.sock`, mode, `${dir}/marker`],
    env: { NO_COLOR: "1", PATH: Deno.env.get("PATH") ?? "" },
    socket: `${dir}/fake.sock`,
    configErrorCode: 3,
  };
}

interface Running {
  process: Deno.ChildProcess;
  /** Resolves with the exit code and everything the supervisor (and daemon) logged. */
  done: Promise<{ code: number; log: string }>;
}

function supervise(
  dir: string,
  mode: Mode,
  policy = FAST_RESTARTS,
  options: string[] = [],
): Running {
  const perl = findOnPath("perl");
  assert.ok(perl !== null, "perl is needed");
  const command = supervisorCommand("dev", dir, fakeChild(dir, mode), policy);
  const args = [...command.args];
  args.splice(args.indexOf("--"), 0, ...options);
  const process = new Deno.Command(perl, {
    args,
    env: command.env,
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const done = process.output().then((out) => ({
    code: out.code,
    log: new TextDecoder().decode(out.stderr),
  }));
  return { process, done };
}

function isSocket(path: string): boolean {
  try {
    return Deno.lstatSync(path).isSocket === true;
  } catch {
    return false;
  }
}

function daemonPid(supervisor: number): number | null {
  return childrenOf(supervisor)[0]?.pid ?? null;
}

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "supervisor-" });
  try {
    await body(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("supervisor.pl: a configuration error on the first start → exit 2, no restarts", () =>
  withDir(async (dir) => {
    const { code, log } = await withTimeout(supervise(dir, "fail").done, "supervisor exit");
    assert.equal(code, 2);
    assert.match(log, /Z bundle: fake failed to start \(code 3\)/);
    assert.doesNotMatch(log, /restarting/);
  }));

Deno.test("supervisor.pl: a crash loop after the first ready → exit 1, socket removed", () =>
  withDir(async (dir) => {
    const { code, log } = await withTimeout(supervise(dir, "crash").done, "supervisor exit");
    assert.equal(code, 1);
    assert.match(log, /fake exited \(code 1\); restarting in 10 ms/);
    assert.match(log, /fake exited \(code 1\); restarting in 20 ms/);
    assert.match(log, /fake exited 3 times within 60 s; giving up/);
    assert.equal(isSocket(`${dir}/fake.sock`), false);
  }));

Deno.test("supervisor.pl: backoff doubles to its cap", () =>
  withDir(async (dir) => {
    const policy = { ...FAST_RESTARTS, initialDelayMs: 5, maxDelayMs: 20, maxRestarts: 4 };
    const { log } = await withTimeout(supervise(dir, "crash", policy).done, "supervisor exit");
    const delays = [...log.matchAll(/restarting in (\d+) ms/g)].map((m) => Number(m[1]));
    assert.deepEqual(delays, [5, 10, 20, 20]);
    assert.match(log, /fake exited 5 times within 60 s; giving up/);
  }));

Deno.test("supervisor.pl: a healthy run resets the backoff; old restarts leave the window", () =>
  withDir(async (dir) => {
    const policy = { ...FAST_RESTARTS, healthyAfterMs: 0, windowMs: 1 };
    const running = supervise(dir, "crash", policy);
    // Each daemon lives ~30 ms and Deno takes longer than that to start: several restarts.
    await sleep(2000);
    running.process.kill("SIGTERM");
    const { code, log: text } = await withTimeout(running.done, "supervisor exit");
    assert.equal(code, 0, text);
    const delays = [...text.matchAll(/restarting in (\d+) ms/g)].map((m) => Number(m[1]));
    assert.ok(delays.length > FAST_RESTARTS.maxRestarts, text);
    assert.ok(delays.every((delay) => delay === FAST_RESTARTS.initialDelayMs), text);
    assert.doesNotMatch(text, /giving up/);
  }));

Deno.test("supervisor.pl: a daemon that never becomes ready is given up on → exit 2", () =>
  withDir(async (dir) => {
    const { code, log } = await withTimeout(supervise(dir, "fail-other").done, "exit");
    assert.equal(code, 2);
    assert.match(log, /fake exited \(code 4\); restarting in 10 ms/);
    assert.match(log, /fake exited 3 times within 60 s; giving up/);
  }));

Deno.test("supervisor.pl: a daemon that does not open its socket in time is killed", () =>
  withDir(async (dir) => {
    const running = supervise(dir, "hang", FAST_RESTARTS, ["--ready-timeout-ms", "300"]);
    const { code, log } = await withTimeout(running.done, "supervisor exit");
    assert.equal(code, 2);
    assert.match(log, /fake did not become ready; killing it/);
    assert.match(log, /fake exited \(signal SIGTERM\); restarting in 10 ms/);
    assert.deepEqual(childrenOf(running.process.pid), []);
  }));

Deno.test("supervisor.pl: restarts a daemon killed with SIGKILL, with backoff", () =>
  withDir(async (dir) => {
    const running = supervise(dir, "serve", { ...FAST_RESTARTS, initialDelayMs: 100 });
    try {
      await waitUntil(() => isSocket(`${dir}/fake.sock`), {
        what: "fake daemon socket",
        timeoutMs: TEST_TIMEOUT_MS,
      });
      const first = daemonPid(running.process.pid);
      assert.ok(first !== null);
      Deno.kill(first, "SIGKILL");
      await waitUntil(() => {
        const next = daemonPid(running.process.pid);
        return next !== null && next !== first && isSocket(`${dir}/fake.sock`);
      }, { what: "a new daemon serving", timeoutMs: TEST_TIMEOUT_MS });
    } finally {
      running.process.kill("SIGTERM");
    }
    const { code, log } = await withTimeout(running.done, "supervisor exit");
    assert.equal(code, 0);
    assert.match(log, /fake exited \(signal SIGKILL\); restarting in 100 ms/);
  }));

Deno.test("supervisor.pl: SIGHUP is forwarded, SIGTERM stops the daemon and removes its socket", () =>
  withDir(async (dir) => {
    const running = supervise(dir, "serve");
    await waitUntil(() => isSocket(`${dir}/fake.sock`), {
      what: "fake daemon socket",
      timeoutMs: TEST_TIMEOUT_MS,
    });
    const daemon = daemonPid(running.process.pid);
    await waitUntil(async () => {
      running.process.kill("SIGHUP");
      await sleep(20);
      try {
        return Deno.readTextFileSync(`${dir}/marker`) === "reloaded";
      } catch {
        return false;
      }
    }, { what: "reload marker", timeoutMs: TEST_TIMEOUT_MS });
    running.process.kill("SIGTERM");
    const { code } = await withTimeout(running.done, "supervisor exit");
    assert.equal(code, 0);
    assert.equal(isSocket(`${dir}/fake.sock`), false);
    assert.ok(daemon !== null);
    assert.throws(() => Deno.kill(daemon, "SIGCONT"), Deno.errors.NotFound);
  }));

Deno.test("supervisor.pl: bad arguments → exit 2 with the reason", async () => {
  const perl = findOnPath("perl");
  assert.ok(perl !== null);
  const out = await new Deno.Command(perl, {
    args: [SUPERVISOR_SCRIPT, "--bottle", "dev", "--", "true"],
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.match(new TextDecoder().decode(out.stderr), /bundle: missing --run-dir/);
});
