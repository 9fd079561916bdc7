import assert from "node:assert/strict";
import { egressChild } from "../bundle/main.ts";
import type { EgressPolicy } from "./policy.ts";
import { TEST_RESOLVE_ENV } from "./test_resolve.ts";
import { eventually, proxyRequest, RawClient, startEchoServer } from "./test_support.ts";

interface Daemon {
  child: Deno.ChildProcess;
  socket: string;
  stderr: { text: string };
  stdout: { text: string };
}

function collect(stream: ReadableStream<Uint8Array>): { text: string; done: Promise<void> } {
  const sink = { text: "", done: Promise.resolve() };
  sink.done = (async (): Promise<void> => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) sink.text += decoder.decode(chunk, { stream: true });
  })();
  return sink;
}

function writePolicy(path: string, allow: string[]): void {
  const policy: EgressPolicy = { version: 1, bottle: "dev", allow, deny: [], routes: [] };
  Deno.writeTextFileSync(path, JSON.stringify(policy));
}

/** Runs the daemon exactly as the supervisor does (same flags and permissions). */
function spawnDaemon(dir: string): Daemon & { finished: Promise<void> } {
  const spec = egressChild(
    { bottle: "dev", runDir: `${dir}/run`, policy: `${dir}/policy.json`, logDir: `${dir}/log` },
    {
      ...Deno.env.toObject(),
      [TEST_RESOLVE_ENV]: JSON.stringify({
        "allowed.test": "127.0.0.1",
        "other.test": "127.0.0.1",
      }),
    },
  );
  const child = new Deno.Command(spec.command, {
    args: spec.args,
    env: spec.env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  return {
    child,
    socket: spec.socket,
    stdout,
    stderr,
    finished: Promise.all([stdout.done, stderr.done]).then(() => {}),
  };
}

async function accepts(socket: string): Promise<boolean> {
  try {
    (await Deno.connect({ transport: "unix", path: socket })).close();
    return true;
  } catch {
    return false;
  }
}

function connect(socket: string, authority: string): Promise<number> {
  return proxyRequest(socket, `CONNECT ${authority} HTTP/1.1\r\n\r\n`, "CONNECT")
    .then((r) => r.status);
}

Deno.test("egress main: SIGHUP reloads the policy, keeps open tunnels, survives a bad file", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "egress-main-" });
  Deno.mkdirSync(`${dir}/run`);
  writePolicy(`${dir}/policy.json`, ["allowed.test"]);
  const echo = startEchoServer();
  const daemon = spawnDaemon(dir);
  try {
    await eventually(() => accepts(daemon.socket), "egress socket");
    const target = `allowed.test:${echo.port}`;
    const tunnel = await RawClient.connect(daemon.socket);
    await tunnel.send(`CONNECT ${target} HTTP/1.1\r\n\r\n`);
    assert.equal((await tunnel.readResponse("CONNECT")).status, 200);
    assert.equal(await connect(daemon.socket, `other.test:${echo.port}`), 403);
    // DNS works under the daemon's narrow permissions (and localhost is refused).
    writePolicy(`${dir}/policy.json`, ["allowed.test", "localhost"]);
    daemon.child.kill("SIGHUP");
    await eventually(async () => {
      const r = await proxyRequest(
        daemon.socket,
        `CONNECT localhost:${echo.port} HTTP/1.1\r\n\r\n`,
        "CONNECT",
      );
      return r.status === 403 && /private address/.test(r.body);
    }, "localhost refused as private");

    writePolicy(`${dir}/policy.json`, ["other.test"]);
    daemon.child.kill("SIGHUP");
    await eventually(async () => await connect(daemon.socket, target) === 403, "reload to deny");
    assert.equal(await connect(daemon.socket, `other.test:${echo.port}`), 200);
    await tunnel.send("after-reload");
    assert.equal(await tunnel.readExactly(12), "after-reload");

    Deno.writeTextFileSync(`${dir}/policy.json`, '{"version":1,"bottle":"dev","allow":["*"]');
    daemon.child.kill("SIGHUP");
    await eventually(() => daemon.stderr.text.includes("reload failed"), "reload error in stderr");
    assert.match(daemon.stderr.text, /keeping the previous policy/);
    assert.equal(await connect(daemon.socket, `other.test:${echo.port}`), 200);
    assert.equal(await connect(daemon.socket, target), 403);
    await tunnel.send("still");
    assert.equal(await tunnel.readExactly(5), "still");
    tunnel.close();

    daemon.child.kill("SIGTERM");
    assert.equal((await daemon.child.status).code, 0);
    await daemon.finished;
    assert.equal(daemon.stdout.text, "");
    assert.ok(!(await accepts(daemon.socket)));
    assert.throws(() => Deno.lstatSync(daemon.socket), Deno.errors.NotFound);
    const audit = Deno.readTextFileSync(`${dir}/log/egress.jsonl`).trim().split("\n");
    assert.ok(audit.length >= 6);
  } finally {
    try {
      daemon.child.kill("SIGKILL");
    } catch {
      // exited
    }
    await daemon.child.status;
    await daemon.finished;
    await echo.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("egress main: an invalid policy at start exits 2 and says why", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "egress-main-" });
  Deno.mkdirSync(`${dir}/run`);
  Deno.writeTextFileSync(
    `${dir}/policy.json`,
    JSON.stringify({ version: 1, bottle: "dev", allow: ["*"], deny: [], routes: [] }),
  );
  const daemon = spawnDaemon(dir);
  try {
    const status = await daemon.child.status;
    await daemon.finished;
    assert.equal(status.code, 2);
    assert.match(daemon.stderr.text, /allow\[0\]: a bare "\*" is only valid in deny/);
    assert.throws(() => Deno.lstatSync(daemon.socket), Deno.errors.NotFound);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
