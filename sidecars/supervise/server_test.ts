/**
 * The supervise daemon end to end (testing/server_world.ts): a real MCP client over the Unix
 * socket asks, an "operator" decides in the same WAL state database through queue.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { waitFor, writeJson } from "./testing/daemon.ts";
import { decideRequest, insertGrant } from "./queue.ts";
import type { SuperviseRequest } from "./wire.ts";
import { call, startServerWorld } from "./testing/server_world.ts";

interface ToolInfo {
  name: string;
  description?: string;
  inputSchema: { required?: string[] };
}

Deno.test({
  name: "supervise daemon: MCP tools, queue, decisions, refusals, notify",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t): Promise<void> {
    const world = await startServerWorld();
    const { notified, bottle, operator, session } = world;
    const { pending, queued, lastId } = world;
    let stderr = "";
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

      await t.step("the log holds one JSON line per event", () => {
        const lines = Deno.readTextFileSync(join(bottle.logDir, "supervise.log")).trim()
          .split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
        assert.ok(lines.some((line) => line.event === "request" && line.kind === "egress"));
        assert.ok(lines.some((line) => line.event === "answer" && line.state === "approved"));
        assert.ok(lines.every((line) => line.bottle === "dev" && typeof line.time === "string"));
      });
    } finally {
      stderr = await world.close();
    }
    assert.ok(!stderr.includes("PermissionDenied"), stderr);
    assert.ok(!stderr.includes("NotCapable"), stderr);
  },
});
