import assert from "node:assert/strict";
import { eventually, withTimeout } from "../egress/test_support.ts";
import type { ChildSpec } from "./child.ts";
import { runSupervisor } from "./supervisor.ts";

/** A stand-in daemon: listens on its socket, then behaves as `mode` says. */
const FAKE_DAEMON = `
const [socket, mode, marker] = Deno.args;
if (mode === "fail") Deno.exit(3);
Deno.addSignalListener("SIGHUP", () => Deno.writeTextFileSync(marker, "reloaded"));
Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
try { Deno.removeSync(socket); } catch { /* none */ }
const listener = Deno.listen({ transport: "unix", path: socket });
(async () => { for await (const conn of listener) conn.close(); })();
if (mode === "crash") setTimeout(() => Deno.exit(1), 30);
`;

function fakeChild(dir: string, mode: "serve" | "crash" | "fail"): ChildSpec {
  return {
    name: "fake",
    command: Deno.execPath(),
    args: ["eval", FAKE_DAEMON, `${dir}/fake.sock`, mode, `${dir}/marker`],
    env: { NO_COLOR: "1" },
    socket: `${dir}/fake.sock`,
    configErrorCode: 3,
  };
}

const FAST_RESTARTS = {
  initialDelayMs: 10,
  maxDelayMs: 20,
  healthyAfterMs: 10_000,
  maxRestarts: 2,
  windowMs: 60_000,
};

Deno.test("supervisor: a configuration error on the first start → exit 2, no restarts", async () => {
  const dir = Deno.makeTempDirSync();
  const lines: string[] = [];
  try {
    const code = await withTimeout(
      runSupervisor({ children: [fakeChild(dir, "fail")], log: (l) => lines.push(l) }),
      "supervisor exit",
    );
    assert.equal(code, 2);
    assert.match(lines.join("\n"), /fake failed to start \(code 3\)/);
    assert.doesNotMatch(lines.join("\n"), /restarting/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("supervisor: a crash loop is given up on → exit 1, socket removed", async () => {
  const dir = Deno.makeTempDirSync();
  const lines: string[] = [];
  try {
    const code = await withTimeout(
      runSupervisor({
        children: [fakeChild(dir, "crash")],
        log: (l) => lines.push(l),
        restartPolicy: FAST_RESTARTS,
      }),
      "supervisor exit",
    );
    assert.equal(code, 1);
    const log = lines.join("\n");
    assert.match(log, /fake exited \(code 1\); restarting in 10 ms/);
    assert.match(log, /fake exited \(code 1\); restarting in 20 ms/);
    assert.match(log, /fake exited 3 times within 60 s; giving up/);
    assert.throws(() => Deno.lstatSync(`${dir}/fake.sock`), Deno.errors.NotFound);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("supervisor: SIGHUP is forwarded, SIGTERM stops the daemons", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const running = runSupervisor({ children: [fakeChild(dir, "serve")], log: () => {} });
    await eventually(() => {
      try {
        return Deno.lstatSync(`${dir}/fake.sock`).isSocket === true;
      } catch {
        return false;
      }
    }, "fake daemon socket");
    // Readiness is judged by a connection; give the supervisor a moment to see it.
    await eventually(async () => {
      Deno.kill(Deno.pid, "SIGHUP");
      await new Promise((resolve) => setTimeout(resolve, 20));
      try {
        return Deno.readTextFileSync(`${dir}/marker`) === "reloaded";
      } catch {
        return false;
      }
    }, "reload marker");
    Deno.kill(Deno.pid, "SIGTERM");
    assert.equal(await withTimeout(running, "supervisor exit"), 0);
    assert.throws(() => Deno.lstatSync(`${dir}/fake.sock`), Deno.errors.NotFound);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
