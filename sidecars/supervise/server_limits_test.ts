/**
 * The supervise daemon's HTTP edges, limits and reloads (testing/server_world.ts): unknown
 * agents and methods, oversized bodies, per-bottle limits, SIGHUP with good and bad configs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { connectAgent, socketFetch, waitFor, writeJson } from "./testing/daemon.ts";
import { recentRequests } from "./queue.ts";
import { call, startServerWorld } from "./testing/server_world.ts";

Deno.test({
  name: "supervise daemon: HTTP errors, rate limits, reloads",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t): Promise<void> {
    const world = await startServerWorld();
    const { root, bottle, daemon, operator, project, session } = world;
    const { pending } = world;
    let stderr = "";
    try {
      await t.step("HTTP: unknown agent 404, GET 405, oversized body 413", async () => {
        const http = socketFetch(daemon.socket);
        try {
          const unknown = await http.fetch("http://127.0.0.1:3130/mcp/stranger", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: "{}",
          });
          assert.equal(unknown.status, 404);
          const body = await unknown.json();
          assert.equal(body.jsonrpc, "2.0");
          assert.match(body.error.message, /no agent "stranger" in bottle dev/);
          const other = await http.fetch("http://127.0.0.1:3130/elsewhere");
          assert.equal(other.status, 404);
          await other.body?.cancel();
          const get = await http.fetch("http://127.0.0.1:3130/mcp/reviewer");
          assert.equal(get.status, 405);
          assert.equal(get.headers.get("allow"), "POST");
          await get.body?.cancel();
          const big = await http.fetch("http://127.0.0.1:3130/mcp/reviewer", {
            method: "POST",
            headers: {
              "content-type": "application/json",
              accept: "application/json, text/event-stream",
            },
            body: JSON.stringify({ pad: "x".repeat(100_000) }),
          });
          assert.equal(big.status, 413);
          await big.body?.cancel();
        } finally {
          http.close();
        }
      });

      await t.step("rate limits per bottle: pending, then per hour", async () => {
        // Reload with room for exactly one more pending request.
        const open = pending().length;
        writeJson(bottle.configFile, { ...bottle.config, max_pending: open + 1, wait_seconds: 0 });
        daemon.process.kill("SIGHUP");
        await waitFor(
          "the reload",
          5000,
          () => daemon.stderr().includes("config reloaded") ? true : undefined,
        );
        const first = await call(session, "request_egress", { host: "one.example", reason: "r" });
        assert.match(first.text, /^pending, id/);
        const second = await call(session, "request_egress", { host: "two.example", reason: "r" });
        assert.equal(second.isError, true);
        assert.match(second.text, /^not queued: this bottle already has \d+ requests waiting/);
        const made = recentRequests(operator, project, "dev", { limit: 1000 }).length;
        writeJson(bottle.configFile, { ...bottle.config, per_hour: made, wait_seconds: 0 });
        daemon.process.kill("SIGHUP");
        await waitFor(
          "the second reload",
          5000,
          () => daemon.stderr().split("config reloaded").length > 2 ? true : undefined,
        );
        const third = await call(session, "request_egress", { host: "three.example", reason: "r" });
        assert.match(third.text, /^not queued: this bottle made \d+ requests in the last hour/);
      });

      await t.step(
        "SIGHUP: a new agent appears; a bad or path-changing config is refused",
        async () => {
          writeJson(bottle.configFile, { ...bottle.config, agents: ["reviewer", "writer"] });
          daemon.process.kill("SIGHUP");
          await waitFor(
            "the reload",
            5000,
            () => daemon.stderr().includes("agents reviewer, writer") ? true : undefined,
          );
          const writer = await connectAgent(daemon.socket, "writer");
          try {
            const status = await call(writer, "request_status", {});
            assert.match(status.text, /no requests/);
          } finally {
            await writer.close();
          }
          Deno.writeTextFileSync(bottle.configFile, "{ not json");
          daemon.process.kill("SIGHUP");
          await waitFor(
            "the refused reload",
            5000,
            () => daemon.stderr().includes("reload failed") ? true : undefined,
          );
          writeJson(bottle.configFile, { ...bottle.config, state_db: join(root, "other.db") });
          daemon.process.kill("SIGHUP");
          await waitFor(
            "the refused path change",
            5000,
            () => daemon.stderr().includes("state_db, which needs a restart") ? true : undefined,
          );
          const writerAgain = await connectAgent(daemon.socket, "writer");
          await writerAgain.close();
        },
      );
    } finally {
      stderr = await world.close();
    }
    assert.ok(!stderr.includes("PermissionDenied"), stderr);
    assert.ok(!stderr.includes("NotCapable"), stderr);
  },
});
