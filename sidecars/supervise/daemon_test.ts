/**
 * The daemon's edges: a notify program named without a path, only some kinds offered, a
 * waiting call whose client goes away, shutdown, and a bad config at start.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { superviseChild } from "./mod.ts";
import {
  connectAgent,
  makeBottle,
  resultText,
  socketFetch,
  startDaemon,
  waitFor,
  writeJson,
} from "./testing/daemon.ts";

function logEvents(logDir: string): Record<string, unknown>[] {
  try {
    return Deno.readTextFileSync(join(logDir, "supervise.log")).trim().split("\n")
      .filter((line) => line !== "").map((line) => JSON.parse(line));
  } catch {
    return [];
  }
}

Deno.test({
  name: "supervise daemon: argv notify by name, kinds, a client that goes away, shutdown",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(): Promise<void> {
    const root = await Deno.makeTempDir({ prefix: "sup" });
    const notified = join(root, "notified.jsonl");
    const bottle = makeBottle(root, {
      kinds: ["ask"],
      wait_seconds: 20,
      notify: { argv: ["tee", "-a", notified] },
    });
    const daemon = await startDaemon(bottle);
    const session = await connectAgent(daemon.socket, "reviewer");
    try {
      const { tools } = await session.client.listTools() as { tools: { name: string }[] };
      assert.deepEqual(tools.map((tool) => tool.name).sort(), ["ask_human", "request_status"]);
      const egress = resultText(
        await session.client.callTool({
          name: "request_egress",
          arguments: { host: "a.example", reason: "r" },
        }),
      );
      assert.equal(egress.isError, true);
      assert.match(egress.text, /request_egress not found/i);

      // A raw tools/call (the server is stateless: no initialize needed), then the client
      // goes away: the daemon stops waiting long before wait_seconds.
      const http = socketFetch(daemon.socket);
      const controller = new AbortController();
      const call = http.fetch("http://127.0.0.1:3130/mcp/reviewer", {
        method: "POST",
        signal: controller.signal,
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: {
            name: "ask_human",
            arguments: { question: "Which licence?", reason: "the README needs one" },
          },
        }),
      }).catch((error: Error) => error);
      const line = await waitFor("the notify command", 5000, () => {
        try {
          return Deno.readTextFileSync(notified).trim() || undefined;
        } catch {
          return undefined;
        }
      });
      assert.equal(JSON.parse(line).payload.question, "Which licence?");
      const aborted = Date.now();
      controller.abort();
      assert.ok(await call instanceof Error);
      await waitFor(
        "the abandoned call to end",
        5000,
        () => logEvents(bottle.logDir).some((event) => event.event === "answer") ? true : undefined,
      );
      assert.ok(Date.now() - aborted < 5000);
      http.close();
      const notifyLog = Deno.readTextFileSync(join(bottle.logDir, "supervise-notify.log"));
      assert.match(notifyLog, /"code":0/);
    } finally {
      await session.close().catch(() => {});
    }
    await daemon.stop();
    assert.equal((await daemon.process.status).code, 0);
    assert.throws(() => Deno.statSync(daemon.socket), Deno.errors.NotFound);

    // A bad config at start: exit status 2 (final for the bundle supervisor), and why.
    writeJson(bottle.configFile, { ...bottle.config, agents: [] });
    const spec = superviseChild(
      { runDir: bottle.runDir, configFile: bottle.configFile, config: bottle.config },
      { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    );
    const bad = await new Deno.Command(spec.command, {
      args: spec.args,
      env: spec.env,
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(bad.code, spec.configErrorCode);
    assert.match(new TextDecoder().decode(bad.stderr), /agents must be a non-empty list/);
    await Deno.remove(root, { recursive: true });
  },
});
