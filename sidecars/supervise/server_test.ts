/**
 * The supervise daemon end to end: started as the bundle starts it (superviseChild's exact
 * permissions), a real MCP client over the Unix socket, an "operator" deciding requests in
 * the same WAL state database through queue.ts.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  connectAgent,
  makeBottle,
  type McpSession,
  resultText,
  socketFetch,
  startDaemon,
  waitFor,
  writeJson,
} from "./testing/daemon.ts";
import { decideRequest, insertGrant, recentRequests } from "./queue.ts";
import type { SuperviseRequest } from "./wire.ts";

interface ToolInfo {
  name: string;
  description?: string;
  inputSchema: { required?: string[] };
}

interface Answer {
  text: string;
  isError: boolean;
}

async function call(
  session: McpSession,
  name: string,
  args: Record<string, unknown>,
): Promise<Answer> {
  return resultText(await session.client.callTool({ name, arguments: args }));
}

Deno.test({
  name: "supervise daemon: MCP tools, queue, decisions, refusals, limits, notify, reload",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t): Promise<void> {
    const root = await Deno.makeTempDir({ prefix: "sup" });
    const notified = join(root, "notified.jsonl");
    const bottle = makeBottle(
      root,
      { notify: { shell: `cat >> '${notified}'; echo notified` }, wait_seconds: 1.5 },
      {
        allow: ["registry.npmjs.org", "*.allowed.example"],
        deny: ["evil.example", "*.evil.example"],
      },
      {
        upstreams: [{
          name: "repo",
          remote: "https://git.example/repo.git",
          host: "git.example",
          mirror: join(root, "mirror.git"),
          credential: { kind: "none" },
          push: {
            protected_branches: ["main", "release/**"],
            branches: ["agent/**"],
            force: [],
            delete: [],
            tags: false,
            protected_paths: [],
            max_push_bytes: 1 << 20,
          },
        }],
      },
    );
    const daemon = await startDaemon(bottle);
    const operator = new DatabaseSync(bottle.stateDb);
    operator.exec("PRAGMA busy_timeout = 10000");
    const { project } = bottle.config;
    const pending = (): SuperviseRequest[] =>
      recentRequests(operator, project, "dev", { states: ["pending"], limit: 100 });
    /** The newest pending request, once the daemon has queued it. */
    const queued = (kind: string, since: number): Promise<SuperviseRequest> =>
      waitFor(
        "a queued request",
        5000,
        () => pending().find((r) => r.kind === kind && r.id > since),
      );
    const lastId = (): number => recentRequests(operator, project, "dev", { limit: 1 })[0]?.id ?? 0;
    const session = await connectAgent(daemon.socket, "reviewer");
    try {
      await t.step("lists the tools, each asking for a reason", async () => {
        const { tools } = await session.client.listTools() as { tools: ToolInfo[] };
        assert.deepEqual(tools.map((tool) => tool.name).sort(), [
          "ask_human",
          "request_egress",
          "request_git",
          "request_status",
        ]);
        for (const tool of tools.filter((tool) => tool.name !== "request_status")) {
          assert.ok(tool.inputSchema.required?.includes("reason"), tool.name);
          assert.match(tool.description ?? "", /final/);
        }
      });

      await t.step("request_egress approved: waits, the notify command gets the JSON", async () => {
        const since = lastId();
        const answer = call(session, "request_egress", {
          host: "API.Example.COM.",
          port: 443,
          reason: "fetch the API schema for the client I am writing",
        });
        const request = await queued("egress", since);
        assert.deepEqual(request.payload, { host: "api.example.com", port: 443 });
        assert.equal(request.agent, "reviewer");
        // What the engine does on approval: a grant, the policy rewritten, the row decided.
        const expires = new Date(Date.now() + 3600_000).toISOString();
        const grant = insertGrant(
          operator,
          { request, grantedBy: "op", expiresAt: expires },
          new Date(),
        );
        writeJson(bottle.egressFile, {
          version: 1,
          bottle: "dev",
          allow: ["registry.npmjs.org", "*.allowed.example"],
          deny: ["evil.example", "*.evil.example"],
          routes: [],
          grants: [{
            host: "api.example.com",
            port: 443,
            expires_at: expires,
            request: request.id,
          }],
        });
        assert.ok(decideRequest(operator, request.id, {
          state: "approved",
          by: "op",
          response: null,
          grantId: grant.id,
          expiresAt: expires,
        }, new Date()));
        const { text, isError } = await answer;
        assert.equal(isError, false);
        assert.match(text, new RegExp(`^approved \\(request ${request.id}\\)`));
        assert.match(text, /api\.example\.com:443 is allowed until/);
        assert.match(text, /Retry the same request now/);
        const lines = await waitFor("the notify command's output", 5000, () => {
          try {
            const text = Deno.readTextFileSync(notified).trim();
            return text === "" ? undefined : text.split("\n");
          } catch {
            return undefined;
          }
        });
        const sent = JSON.parse(lines[0]) as SuperviseRequest;
        assert.equal(sent.id, request.id);
        assert.equal(sent.reason, "fetch the API schema for the client I am writing");
        const notifyLog = await waitFor("supervise-notify.log", 5000, () => {
          try {
            return Deno.readTextFileSync(join(bottle.logDir, "supervise-notify.log")) || undefined;
          } catch {
            return undefined;
          }
        });
        assert.match(notifyLog, /"output":"notified\\n"/);
        // Granted now: asking again is answered at once, without a row.
        const again = await call(session, "request_egress", {
          host: "api.example.com",
          port: 443,
          reason: "again",
        });
        assert.match(again.text, /already allowed until .*granted by request/);
      });

      await t.step("request_egress denied: the operator's reason, final", async () => {
        const since = lastId();
        const answer = call(session, "request_egress", {
          host: "pastebin.example.org",
          reason: "share a log",
        });
        const request = await queued("egress", since);
        decideRequest(operator, request.id, {
          state: "denied",
          by: "op",
          response: "no paste sites",
        }, new Date());
        const { text, isError } = await answer;
        assert.equal(isError, false);
        assert.match(text, /^denied \(request \d+\) by the operator: no paste sites\. .*final/);
      });

      await t.step("no decision in time: pending, id N; request_status follows it", async () => {
        const started = Date.now();
        const { text } = await call(session, "request_egress", {
          host: "docs.example.net",
          path_prefix: "/api/",
          reason: "read the API docs",
        });
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= 1400 && elapsed < 4000, `waited ${elapsed} ms`);
        const id = Number(/^pending, id (\d+):/.exec(text)?.[1]);
        assert.ok(id > 0, text);
        assert.match(text, new RegExp(`call request_status with id ${id}`));
        const status = await call(session, "request_status", { id });
        assert.match(status.text, /^pending, id/);
        assert.equal(
          JSON.parse(status.text.split("\n")[1]).what,
          "egress to docs.example.net/api/",
        );
        // The same request again joins the pending one instead of queueing a second.
        const count = pending().length;
        const again = await call(session, "request_egress", {
          host: "docs.example.net",
          path_prefix: "/api/",
          reason: "still need it",
        });
        assert.match(again.text, new RegExp(`^pending, id ${id}:`));
        assert.equal(pending().length, count);
        decideRequest(
          operator,
          id,
          { state: "denied", by: "op", response: "use the copy" },
          new Date(),
        );
        const decided = await call(session, "request_status", { id });
        assert.match(decided.text, /^denied .*use the copy/);
        const list = await call(session, "request_status", {});
        assert.match(list.text, /^Your latest \d+ requests/);
        assert.ok(list.text.includes(`"id":${id}`));
        const other = await call(session, "request_status", { id: 999999 });
        assert.equal(other.isError, true);
      });

      await t.step("ask_human: the answer comes back as text", async () => {
        const since = lastId();
        const answer = call(session, "ask_human", {
          question: "Should the new endpoint be v2 or replace v1?",
          reason: "the task does not say",
        });
        const request = await queued("ask", since);
        decideRequest(operator, request.id, {
          state: "approved",
          by: "op",
          response: "v2, keep v1 for a release",
        }, new Date());
        const { text, isError } = await answer;
        assert.equal(isError, false);
        assert.match(text, /The operator answered \(request \d+\):\nv2, keep v1 for a release/);
      });

      await t.step("refused at once: invalid hosts, deny rules, allowed hosts", async () => {
        const before = lastId();
        const cases: [Record<string, unknown>, RegExp, boolean][] = [
          [{ host: "*.example.com" }, /wildcards are never granted/, true],
          [{ host: "10.0.0.1" }, /IP addresses are never granted \(10\.0\.0\.1 is private/, true],
          [{ host: "8.8.8.8" }, /IP addresses are never granted: ask for the host name/, true],
          [{ host: "exa mple.com" }, /must not contain spaces/, true],
          [{ host: "bad_host!" }, /is not a valid host name/, true],
          [{ host: "https://example.com/x" }, /not a URL/, true],
          [{ host: "localhost" }, /not a public host name/, true],
          [{ host: "a.example", path_prefix: "v1" }, /path_prefix must start with/, true],
          [
            { host: "evil.example" },
            /^denied by policy: .*egress\.deny rule "evil\.example"/,
            false,
          ],
          [{ host: "www.evil.example" }, /egress\.deny rule "\*\.evil\.example"/, false],
          [{ host: "registry.npmjs.org" }, /already allowed \(egress\.allow rule/, false],
          [{ host: "x.allowed.example", port: 8443 }, /already allowed/, false],
        ];
        for (const [args, pattern, isError] of cases) {
          const answer = await call(session, "request_egress", { reason: "testing", ...args });
          assert.match(answer.text, pattern, JSON.stringify(args));
          assert.equal(answer.isError, isError, JSON.stringify(args));
        }
        const noReason = await call(session, "request_egress", { host: "ok.example", reason: " " });
        assert.equal(noReason.isError, true);
        assert.match(noReason.text, /reason is required/);
        const control = await call(session, "ask_human", {
          question: "hi\u001b[2J",
          reason: "testing",
        });
        assert.match(control.text, /control/);
        const long = await call(session, "ask_human", { question: "q".repeat(4001), reason: "t" });
        assert.equal(long.isError, true);
        assert.equal(lastId(), before, "no refusal is queued");
      });

      await t.step(
        "request_git: undeclared upstream, protected branch, allowed, queued",
        async () => {
          const undeclared = await call(session, "request_git", {
            upstream: "other",
            branch: "feature/x",
            reason: "push my work",
          });
          assert.match(
            undeclared.text,
            /^denied by policy: "other" is not an upstream .*ask_human/,
          );
          const protectedAsk = await call(session, "request_git", {
            upstream: "repo",
            branch: "*",
            reason: "push anywhere",
          });
          assert.match(
            protectedAsk.text,
            /protected branches cannot be granted: "\*" includes .*"main"/,
          );
          const release = await call(session, "request_git", {
            upstream: "repo",
            branch: "release/**",
            reason: "x",
          });
          assert.match(release.text, /protected branches cannot be granted/);
          const allowed = await call(session, "request_git", {
            upstream: "repo",
            branch: "agent/fix-*",
            reason: "x",
          });
          assert.match(allowed.text, /already allowed/);
          const since = lastId();
          const answer = call(session, "request_git", {
            upstream: "repo",
            branch: "feature/*",
            reason: "the task asks for a feature branch",
          });
          const request = await queued("git", since);
          assert.deepEqual(request.payload, { upstream: "repo", branch: "feature/*" });
          decideRequest(
            operator,
            request.id,
            { state: "approved", by: "op", response: null },
            new Date(),
          );
          // Approved, but the gate policy does not hold the grant yet.
          const { text } = await answer;
          assert.match(text, /^approved .*being put in force/);
        },
      );

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

      await t.step("the round trip of request_status over the socket (p50)", async () => {
        const times: number[] = [];
        for (let i = 0; i < 200; i++) {
          const started = performance.now();
          await session.client.callTool({ name: "request_status", arguments: { id: 1 } });
          times.push(performance.now() - started);
        }
        times.sort((a, b) => a - b);
        const p50 = times[times.length >> 1];
        const p95 = times[Math.floor(times.length * 0.95)];
        console.log(
          `supervise: MCP tools/call request_status round trip over the Unix socket: ` +
            `p50 ${p50.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms (n=${times.length})`,
        );
        assert.ok(p50 < 100, `p50 ${p50} ms`);
      });

      await t.step("the log holds one JSON line per event", () => {
        const lines = Deno.readTextFileSync(join(bottle.logDir, "supervise.log")).trim()
          .split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
        assert.ok(lines.some((line) => line.event === "request" && line.kind === "egress"));
        assert.ok(lines.some((line) => line.event === "answer" && line.state === "approved"));
        assert.ok(lines.every((line) => line.bottle === "dev" && typeof line.time === "string"));
      });
    } finally {
      await session.close().catch(() => {});
      operator.close();
      await daemon.stop();
      await Deno.remove(root, { recursive: true });
    }
    assert.ok(!daemon.stderr().includes("PermissionDenied"), daemon.stderr());
    assert.ok(!daemon.stderr().includes("NotCapable"), daemon.stderr());
  },
});
