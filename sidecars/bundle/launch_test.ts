import assert from "node:assert/strict";
import {
  passthroughRoute,
  proxyRequest,
  RawClient,
  startEchoServer,
  TEST_TIMEOUT_MS,
  testPolicy,
  writeCaDir,
  writePolicyFile,
  writeSecrets,
} from "../egress/testing/mod.ts";
import { accepts, waitUntil } from "../../lib/wait.ts";
import { bundleStatus, findBundle, reloadBundle, startBundle, stopBundle } from "./launch.ts";
import { allProcesses, childrenOf, readCmdline } from "../../lib/process.ts";
import type { BundleHandle, BundleSpec } from "./types.ts";
import { SUPERVISOR_SCRIPT } from "./main.ts";
import { TEST_RESOLVE_ENV } from "../egress/mod.ts";
import { readProcessMemory } from "../../tests/bench/smaps.ts";

/** The perl supervisor takes ~6 MB RSS; the Deno one it replaced took ~40 MB. */
const SUPERVISOR_RSS_LIMIT_KB = 16 * 1024;

/** The tests tunnel raw TCP to an echo server, so allowed.test is a passthrough route. */
function writePolicy(path: string, allow: string[]): void {
  writePolicyFile(path, testPolicy(allow, [passthroughRoute("allowed.test")]));
}

/** The environment apply would have in a test: allowed.test points at the local server. */
const TEST_ENV = {
  ...Deno.env.toObject(),
  [TEST_RESOLVE_ENV]: JSON.stringify({ "allowed.test": "127.0.0.1" }),
};

async function makeSpec(): Promise<BundleSpec> {
  const dir = Deno.makeTempDirSync({ prefix: "bundle-" });
  Deno.mkdirSync(`${dir}/run`, { mode: 0o711 });
  writePolicy(`${dir}/policy.json`, ["allowed.test"]);
  writeSecrets(`${dir}/secrets.json`, []);
  return {
    bottle: "dev",
    runDir: `${dir}/run`,
    policyFile: `${dir}/policy.json`,
    logDir: `${dir}/log`,
    caDir: await writeCaDir(dir),
    secretsFile: `${dir}/secrets.json`,
  };
}

function cleanup(spec: BundleSpec): void {
  Deno.removeSync(spec.runDir.replace(/\/run$/, ""), { recursive: true });
}

/** Every non-zombie process of the bundle's session (the supervisor's pid is its sid). */
function liveMembers(handle: BundleHandle): number[] {
  return allProcesses()
    .filter((p) => p.sid === handle.supervisor.pid && p.state !== "Z" && p.state !== "X")
    .map((p) => p.pid);
}

function egressPid(handle: BundleHandle): number | null {
  const child = childrenOf(handle.supervisor.pid).find((p) =>
    (readCmdline(p.pid) ?? []).some((arg) => arg.endsWith("egress/main.ts"))
  );
  return child?.pid ?? null;
}

async function tunnelWorks(socket: string, port: number): Promise<boolean> {
  const client = await RawClient.connect(socket);
  try {
    await client.send(`CONNECT allowed.test:${port} HTTP/1.1\r\n\r\n`);
    if ((await client.readResponse("CONNECT")).status !== 200) return false;
    await client.send("ping");
    return await client.readExactly(4) === "ping";
  } finally {
    client.close();
  }
}

Deno.test("bundle: start, serve, reload, stop leaves no process and no socket", async () => {
  const spec = await makeSpec();
  const echo = startEchoServer();
  let handle: BundleHandle | null = null;
  try {
    const timings: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      handle = await startBundle(spec, TEST_ENV);
      timings.push(performance.now() - started);
      if (i < 2) await stopBundle(handle);
    }
    console.log(`bundle start-up: ${timings.map((t) => `${t.toFixed(0)} ms`).join(", ")}`);
    assert.ok(handle !== null);
    assert.deepEqual(handle.sockets, { egress: `${spec.runDir}/egress.sock` });
    assert.deepEqual(bundleStatus(handle), { state: "running" });
    assert.ok(await tunnelWorks(handle.sockets.egress, echo.port));
    assert.deepEqual(findBundle(spec.runDir), handle);
    assert.equal(liveMembers(handle).length, 2);
    await assert.rejects(startBundle(spec, TEST_ENV), /already serving/);

    writePolicy(spec.policyFile, []);
    assert.equal(reloadBundle(handle), true);
    const socket = handle.sockets.egress;
    await waitUntil(async () => {
      const r = await proxyRequest(
        socket,
        `CONNECT allowed.test:${echo.port} HTTP/1.1\r\n\r\n`,
        "CONNECT",
      );
      return r.status === 403;
    }, { what: "reloaded policy denies", timeoutMs: TEST_TIMEOUT_MS });

    await stopBundle(handle);
    assert.deepEqual(liveMembers(handle), []);
    assert.throws(() => Deno.lstatSync(socket), Deno.errors.NotFound);
    assert.equal(bundleStatus(handle).state, "gone");
    await stopBundle(handle);
    assert.equal(reloadBundle(handle), false);
    assert.equal(findBundle(spec.runDir), null);
    const log = Deno.readTextFileSync(`${spec.logDir}/bundle.log`);
    assert.match(log, /policy reloaded/);
    assert.doesNotMatch(log, /error|failed/i);
  } finally {
    if (handle !== null) await stopBundle(handle);
    await echo.close();
    cleanup(spec);
  }
});

Deno.test("bundle: the supervisor restarts an egress daemon killed with SIGKILL", async () => {
  const spec = await makeSpec();
  const echo = startEchoServer();
  const handle = await startBundle(spec, TEST_ENV);
  try {
    assert.equal(readCmdline(handle.supervisor.pid)?.[1], SUPERVISOR_SCRIPT);
    const memory = readProcessMemory(handle.supervisor.pid);
    assert.ok(memory !== null && memory.rssKb < SUPERVISOR_RSS_LIMIT_KB, `${memory?.rssKb} kB`);
    const first = egressPid(handle);
    assert.ok(first !== null);
    Deno.kill(first, "SIGKILL");
    await waitUntil(() => {
      const next = egressPid(handle);
      return next !== null && next !== first;
    }, { what: "a new egress daemon", timeoutMs: TEST_TIMEOUT_MS });
    await waitUntil(() => accepts(handle.sockets.egress), {
      what: "egress socket after restart",
      timeoutMs: TEST_TIMEOUT_MS,
    });
    assert.ok(await tunnelWorks(handle.sockets.egress, echo.port));
    assert.deepEqual(bundleStatus(handle), { state: "running" });
    assert.match(
      Deno.readTextFileSync(`${spec.logDir}/bundle.log`),
      /egress exited \(signal SIGKILL\); restarting in 100 ms/,
    );
  } finally {
    await stopBundle(handle);
    await echo.close();
    cleanup(spec);
  }
  assert.deepEqual(liveMembers(handle), []);
});

Deno.test("bundle: SIGKILL to the whole group → gone; stop removes what is left", async () => {
  const spec = await makeSpec();
  const handle = await startBundle(spec, TEST_ENV);
  try {
    Deno.kill(-handle.supervisor.pid, "SIGKILL");
    await waitUntil(() => bundleStatus(handle).state === "gone", {
      what: "bundle gone",
      timeoutMs: TEST_TIMEOUT_MS,
    });
    const status = bundleStatus(handle);
    assert.ok(
      status.state === "gone" && /supervisor process \d+ is not running/.test(status.reason),
    );
    await waitUntil(() => liveMembers(handle).length === 0, {
      what: "group dead",
      timeoutMs: TEST_TIMEOUT_MS,
    });
  } finally {
    await stopBundle(handle);
    cleanup(spec);
  }
  assert.throws(() => Deno.lstatSync(handle.sockets.egress), Deno.errors.NotFound);
});

Deno.test("bundle: an orphaned egress daemon exits once its supervisor is gone", async () => {
  const spec = await makeSpec();
  const handle = await startBundle(spec, TEST_ENV);
  try {
    assert.ok(egressPid(handle) !== null);
    Deno.kill(handle.supervisor.pid, "SIGKILL");
    await waitUntil(() => liveMembers(handle).length === 0, {
      what: "orphan exits",
      timeoutMs: 15000,
    });
    assert.equal(bundleStatus(handle).state, "gone");
  } finally {
    await stopBundle(handle);
    cleanup(spec);
  }
});

Deno.test("bundle: stopBundle kills daemons orphaned by a killed supervisor", async () => {
  const spec = await makeSpec();
  const handle = await startBundle(spec, TEST_ENV);
  try {
    Deno.kill(handle.supervisor.pid, "SIGKILL");
    await waitUntil(() => bundleStatus(handle).state === "gone", {
      what: "supervisor gone",
      timeoutMs: TEST_TIMEOUT_MS,
    });
    await stopBundle(handle);
    assert.deepEqual(liveMembers(handle), []);
  } finally {
    await stopBundle(handle);
    cleanup(spec);
  }
});

Deno.test("bundle: a daemon that cannot start fails startBundle with the log tail", async () => {
  const spec = await makeSpec();
  try {
    Deno.writeTextFileSync(
      spec.policyFile,
      JSON.stringify({ version: 1, bottle: "dev", allow: ["*"], deny: [], routes: [] }),
    );
    const started = Date.now();
    await assert.rejects(startBundle(spec, TEST_ENV), (error: Error) => {
      assert.match(error.message, /sidecar bundle for bottle "dev" exited during start-up/);
      assert.match(error.message, /a bare "\*" is only valid in deny/);
      return true;
    });
    assert.ok(Date.now() - started < 4000, "fails fast");
    assert.equal(findBundle(spec.runDir), null);
    const leftovers = allProcesses().filter((p) =>
      (readCmdline(p.pid) ?? []).some((arg) => arg.includes(spec.runDir))
    );
    assert.deepEqual(leftovers, []);
  } finally {
    cleanup(spec);
  }
});

Deno.test("bundle: startBundle checks its run directory", async () => {
  const spec = await makeSpec();
  try {
    await assert.rejects(
      startBundle({ ...spec, runDir: `${spec.runDir}/missing` }, TEST_ENV),
      /does not exist/,
    );
    const long = `${spec.runDir}/${"d".repeat(100)}`;
    Deno.mkdirSync(long);
    await assert.rejects(startBundle({ ...spec, runDir: long }, TEST_ENV), /longer than 107 bytes/);
  } finally {
    cleanup(spec);
  }
});
