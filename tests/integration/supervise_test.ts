/**
 * Issue 13 end to end: real bwrap, real sidecars, the real Claude Code and Codex CLIs. Two
 * bottles with `supervise` on; every host the agents ask for is routed (test-only `upstream`)
 * to an origin on 127.0.0.1 and is outside `allow`, so the proxy refuses it until a grant.
 *
 *   sv  (agent coder, Claude Code): refused → request_egress → `approve` in place (same
 *       processes) → the retry reaches the origin; `deny` and `answer` reach the model; the
 *       grant survives a plain apply; a `--for 2s` grant stops by itself.
 *   sv2 (agent cx, Codex): registration, a request from Codex, queues apart from sv's; an
 *       approval after `destroy` is refused and the request withdrawn.
 */
import { dirname, join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { type CliResult, expectCode, World } from "./harness.ts";
import { FINAL_TEXT, startMessagesStandIn } from "./messages_standin.ts";
import { type ScriptStep, startResponsesStandIn } from "./responses_standin.ts";
import {
  callTool,
  execIn,
  hostOf,
  longLivedProcesses,
  mcpCurl,
  operatorQueue,
  originRoutes,
  pendingRequest,
  requestById,
  running,
  startOrigin,
} from "./supervise_world.ts";
import { checkGrantRunsOut } from "./supervise_expiry.ts";
import type { SuperviseRequest } from "../../sidecars/supervise/wire.ts";

const GRANTED = "granted.supervise.test";
const REFUSED = "refused.supervise.test";
const BRIEF = "brief.supervise.test";
const OTHER = "other.supervise.test";
const DENY_REASON = "use the internal mirror instead (deny-7731)";
const QUESTION = "May I rebase onto main?";
const ANSWER = "yes, rebase onto main (answer-5521)";
const CLAUDE_CONFIG_DIR = "/home/agent/.bot-bottle/agents/coder/claude";
const CODEX_HOME = "/home/agent/.bot-bottle/agents/cx/codex";

function curl(host: string, path: string): string {
  return `curl -sS -i --max-time 10 http://${host}${path} 2>&1; true`;
}

/** The request ids a request_status answer lists, in its order. */
function idsIn(text: string): number[] {
  return [...text.matchAll(/"id":(\d+)/g)].map((match) => Number(match[1]));
}

function codexTool(tool: string, args: Record<string, unknown>): ScriptStep {
  const js = `const r = await tools.mcp__supervise__${tool}(${JSON.stringify(args)});\n` +
    "text(r.content.map((part) => part.text).join('\\n'));";
  return { name: "exec", namespace: "functions", input: js };
}

/** The operator's side of coder's run: approve, deny, answer, each as it arrives. */
interface Operator {
  approved: SuperviseRequest;
  approve: CliResult;
  before: string[];
  after: string[];
  denied: SuperviseRequest;
  deny: CliResult;
  asked: SuperviseRequest;
  answer: CliResult;
}

async function operate(world: World): Promise<Operator> {
  const approved = await pendingRequest(world, GRANTED, (r) => hostOf(r) === GRANTED);
  const before = longLivedProcesses(world, "sv");
  const approve = await world.cli(["approve", String(approved.id)]);
  const after = longLivedProcesses(world, "sv");
  const denied = await pendingRequest(world, REFUSED, (r) => hostOf(r) === REFUSED);
  const deny = await world.cli(["deny", String(denied.id), "--reason", DENY_REASON]);
  const asked = await pendingRequest(world, "ask_human", (r) => r.kind === "ask");
  const answer = await world.cli(["answer", String(asked.id), ANSWER]);
  return { approved, approve, before, after, denied, deny, asked, answer };
}

Deno.test({
  name: "supervise: real agents ask, the operator decides, grants apply in place",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const origin = startOrigin();
    const claudeApi = startMessagesStandIn([
      curl(GRANTED, "/before"),
      { tool: "mcp__supervise__request_egress", input: { host: GRANTED, reason: "the docs" } },
      curl(GRANTED, "/after"),
      { tool: "mcp__supervise__request_egress", input: { host: REFUSED, reason: "a mirror" } },
      { tool: "mcp__supervise__ask_human", input: { question: QUESTION, reason: "history" } },
      { tool: "mcp__supervise__request_status", input: {} },
    ]);
    const codexApi = startResponsesStandIn([
      codexTool("request_egress", { host: OTHER, reason: "the other docs" }),
      codexTool("request_status", {}),
    ]);
    const world = await World.create({
      ANTHROPIC_API_KEY: `sk-ant-test-${crypto.randomUUID()}`,
      OPENAI_API_KEY: `sk-proj-test-${crypto.randomUUID()}`,
    });
    world.env.BOT_BOTTLE_CACHE_DIR = join(dirname(world.stateDir), "cache");
    await world.writeBottle(
      "sv",
      `supervise: {enabled: true, wait_seconds: 30}
egress:
  allow: [api.anthropic.com]
  routes:
    - host: api.anthropic.com
      upstream: http://127.0.0.1:${claudeApi.port}
      auth: { scheme: x-api-key, secret: { env: ANTHROPIC_API_KEY } }
${originRoutes([GRANTED, REFUSED, BRIEF], origin)}`,
    );
    await world.writeBottle(
      "sv2",
      `supervise: {enabled: true, wait_seconds: 1}
egress:
  allow: [api.openai.com]
  routes:
    - host: api.openai.com
      upstream: http://127.0.0.1:${codexApi.port}
      auth: { scheme: bearer, secret: { env: OPENAI_API_KEY } }
${originRoutes([OTHER], origin)}`,
    );
    await world.writeAgent("coder", "provider: claude\nbottle: sv", "You ask when blocked.");
    await world.writeAgent("cx", "provider: codex\nbottle: sv2", "You ask when blocked.");
    try {
      let started = Date.now();
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply (installs both CLIs)");
      console.log(`apply with installs: ${((Date.now() - started) / 1000).toFixed(1)}s`);

      await t.step("claude mcp list, inside: supervise is connected", async () => {
        const list = await execIn(world, "sv", [
          "env",
          `CLAUDE_CONFIG_DIR=${CLAUDE_CONFIG_DIR}`,
          "claude",
          "mcp",
          "list",
        ]);
        expectCode(list, 0, "claude mcp list");
        assertMatch(
          list.stdout,
          /^supervise: http:\/\/127\.0\.0\.1:3130\/mcp\/coder \(HTTP\) - ✔ Connected$/m,
        );
      });

      started = Date.now();
      const [ran, operated] = await Promise.allSettled([
        world.cli(["run", "coder", "-p", "STANDIN-SCRIPT: ask for what you need"]),
        operate(world),
      ]);
      console.log(`claude run with the operator: ${((Date.now() - started) / 1000).toFixed(1)}s`);
      if (ran.status === "rejected") throw ran.reason;
      if (operated.status === "rejected") throw operated.reason;
      const run = ran.value;
      const op = operated.value;
      const results = claudeApi.received.at(-1)?.toolResults ?? [];

      await t.step("claude: the run ends with the stand-in's final text", () => {
        expectCode(run, 0, "bottle run coder");
        assertMatch(run.stdout, new RegExp(FINAL_TEXT));
        assertEquals(results.length, 6, `six tool results:\n${results.join("\n---\n")}`);
      });

      await t.step("a refused host: 403, and the body says to use request_egress", () => {
        assertMatch(results[0], /^HTTP\/1\.1 403/);
        assertMatch(results[0], /not in this bottle's egress allowlist/);
        assertMatch(results[0], new RegExp(`MCP tool request_egress \\(host "${GRANTED}"`));
        assert_(!origin.seen.some((line) => line.endsWith("/before")), "the origin saw /before");
      });

      await t.step("approve: the waiting tool call returns approved; the retry succeeds", () => {
        expectCode(op.approve, 0, "approve");
        assertMatch(
          op.approve.stdout,
          new RegExp(`Approved request ${op.approved.id} \\(egress ${GRANTED}\\) for sv/coder`),
        );
        assertMatch(op.approve.stdout, /~ egress_policy\.sv {2}# allow granted\.supervise\.test/);
        assertMatch(
          results[1],
          new RegExp(
            `^approved \\(request ${op.approved.id}\\): egress to ${GRANTED} is allowed\\. ` +
              "Retry the same request now\\.$",
          ),
        );
        assertMatch(results[2], /^HTTP\/1\.1 200/);
        assertMatch(results[2], new RegExp(`origin saw /after`));
        assertEquals(origin.seen.filter((line) => line.endsWith("/after")).length, 1);
      });

      await t.step("approve changed no process: sandbox, door, proxy, supervise server", () => {
        console.log(`processes of sv:\n  ${op.before.join("\n  ")}`);
        assertEquals(op.after, op.before);
        assertEquals(running(op.before, /sidecars\/egress\/main\.ts/).length, 1);
        assertEquals(running(op.before, /sidecars\/supervise\/main\.ts/).length, 1);
        assertEquals(running(op.before, /socat .*TCP-LISTEN:3130/).length, 1);
        assertEquals(running(op.before, /bwrap/).length, 1);
      });

      await t.step("deny: the model reads the operator's reason", async () => {
        expectCode(op.deny, 0, "deny");
        assertMatch(
          results[3],
          new RegExp(`^denied \\(request ${op.denied.id}\\) by the operator`),
        );
        assert_(results[3].includes(DENY_REASON), `no reason in: ${results[3]}`);
        assertEquals((await requestById(world, op.denied.id)).state, "denied");
      });

      await t.step("ask_human: the model reads the operator's answer", () => {
        expectCode(op.answer, 0, "answer");
        assertEquals((op.asked.payload as { question: string }).question, QUESTION);
        assertEquals(
          results[4],
          `The operator answered (request ${op.asked.id}):\n${ANSWER}`,
        );
      });

      await t.step("request_status: coder sees its three requests and their outcomes", () => {
        assertEquals(idsIn(results[5]), [op.asked.id, op.denied.id, op.approved.id]);
      });

      await t.step("a grant survives a plain apply: no changes, still allowed", async () => {
        const plan = await world.cli(["plan", "--detailed-exitcode"]);
        expectCode(plan, 0, "plan with a live grant");
        assertMatch(plan.stdout, /No changes/);
        const apply = await world.cli(["apply", "--yes"]);
        expectCode(apply, 0, "apply with a live grant");
        assertMatch(apply.stdout, /No changes/);
        const again = await execIn(world, "sv", ["sh", "-c", curl(GRANTED, "/survived")]);
        assertMatch(again.stdout, /^HTTP\/1\.1 200/);
        assertMatch(again.stdout, /origin saw \/survived/);
        assertEquals(longLivedProcesses(world, "sv"), op.before);
      });

      await t.step("a --for 2s grant stops by itself at its expiry, no reload", async () => {
        await checkGrantRunsOut(world, "sv", "coder", BRIEF, op.before);
      });

      started = Date.now();
      const codexRun = await world.cli(["run", "cx", "-p", "STANDIN-SCRIPT: ask for it"]);
      console.log(`codex run: ${((Date.now() - started) / 1000).toFixed(1)}s`);
      const outputs = codexApi.received.at(-1)?.toolOutputs ?? [];
      const otherId = Number(/pending, id (\d+)/.exec(outputs[0] ?? "")?.[1] ?? "0");

      await t.step("codex: supervise registered with its URL; Codex's calls reach it", async () => {
        const list = await execIn(world, "sv2", [
          "env",
          `CODEX_HOME=${CODEX_HOME}`,
          "codex",
          "mcp",
          "list",
          "--json",
        ]);
        expectCode(list, 0, "codex mcp list");
        const servers = JSON.parse(list.stdout) as {
          name: string;
          enabled: boolean;
          transport: { type: string; url: string };
          tool_timeout_sec: number;
        }[];
        assertEquals(servers.map((server) => server.name), ["supervise"]);
        assertEquals(servers[0].transport, {
          ...servers[0].transport,
          type: "streamable_http",
          url: "http://127.0.0.1:3130/mcp/cx",
        });
        assert_(servers[0].enabled, "supervise is disabled in Codex");
        assertEquals(servers[0].tool_timeout_sec, 31, "wait_seconds + 30");
        expectCode(codexRun, 0, "bottle run cx");
        assertMatch(outputs[0] ?? "", /Output:\npending, id \d+: the operator has been notified/);
        assert_(otherId > 0, `no request id in: ${outputs[0]}`);
      });

      await t.step("two bottles' queues stay apart", async () => {
        assertEquals(idsIn(outputs[1] ?? ""), [otherId], `cx's request_status:\n${outputs[1]}`);
        const across = await callTool(world, "sv2", "cx", "request_status", {
          id: op.approved.id,
        });
        assertMatch(
          across.text,
          new RegExp(`^there is no request ${op.approved.id} in this bottle`),
        );
        const back = await callTool(world, "sv", "coder", "request_status", { id: otherId });
        assertMatch(back.text, new RegExp(`^there is no request ${otherId} in this bottle`));
        const own = idsIn((await callTool(world, "sv", "coder", "request_status", {})).text);
        const everything = await operatorQueue(world, true);
        const bottleOf = (id: number): string | undefined =>
          everything.find((request) => request.id === id)?.bottle;
        assertEquals(own.length, 4, "coder's four requests");
        assertEquals(own.map(bottleOf), ["sv", "sv", "sv", "sv"]);
        const body = { jsonrpc: "2.0", id: 1, method: "tools/list", params: {} };
        const stranger = await execIn(world, "sv2", mcpCurl("coder", body, 10));
        assertMatch(stranger.stdout, /no agent \\"coder\\" in bottle sv2/);
        const pending = await operatorQueue(world);
        assertEquals(pending.map((r) => [r.id, r.bottle, r.agent]), [[otherId, "sv2", "cx"]]);
      });

      await t.step("an approval for a destroyed bottle is refused and withdrawn", async () => {
        expectCode(await world.cli(["destroy", "--bottle", "sv2", "--yes"]), 0, "destroy sv2");
        const approve = await world.cli(["approve", String(otherId)]);
        expectCode(approve, 1, "approve for a destroyed bottle");
        assertMatch(
          approve.stderr,
          /cannot be approved: bottle sv2 is not applied \(destroyed\?\)/,
        );
        assertMatch(approve.stderr, /withdrawn; nothing was granted/);
        const request = await requestById(world, otherId);
        assertEquals(request.state, "withdrawn");
        const grants = await world.cli(["grants", "--all", "--json"]);
        const all = (JSON.parse(grants.stdout) as { grants: { request_id: number }[] }).grants;
        assert_(!all.some((grant) => grant.request_id === otherId), "a grant was recorded");
      });
    } finally {
      expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
      await claudeApi.close();
      await codexApi.close();
      await origin.close();
      await Deno.remove(world.env.BOT_BOTTLE_CACHE_DIR, { recursive: true }).catch(() => {});
    }
  },
});
