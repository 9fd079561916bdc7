/**
 * The supervise part of `deno task bench` (issue 13), against one applied bottle with
 * `supervise` on whose egress routes lead every asked-for host (test-only `upstream`) to an
 * origin on 127.0.0.1, outside `allow`:
 *
 *   - an MCP tool call (`tools/call request_status`, answered at once) from inside the
 *     sandbox, by a Node client through the door (127.0.0.1:3130 → socat → supervise.sock):
 *     p50 on a kept-alive connection (as Claude Code's client keeps it) and on a new
 *     connection per call; beside it the same call from the host straight to the socket;
 *   - approve → the first request let through: a Node poller inside tries the host through
 *     the proxy every ~2 ms while the request is pending; the clock starts just before the
 *     approval (the app layer's `approveRequest` in this process, or the `bottle approve` CLI,
 *     interleaved round by round) and stops at the poller's first 200. The CLI's wall time is
 *     reported too.
 *
 * Targets: MCP round trip inside p50 ≤ 10 ms; approve (in process) → first success ≤ 500 ms
 * (median). `deno run -A tests/bench/supervise.ts [ROUNDS]` runs it alone.
 */
import { join } from "node:path";
import { openSession, type Session } from "../../app/session.ts";
import { approveRequest } from "../../app/supervise_grants.ts";
import { listRequests } from "../../sidecars/supervise/queue.ts";
import { socketFetch } from "../../sidecars/supervise/testing/daemon.ts";
import { superviseUrl } from "../../sidecars/supervise/wire.ts";
import { waitUntil } from "../../lib/wait.ts";
import type { World } from "./bottle.ts";
import { failureReason } from "./proc.ts";
import { disposeAll, log, scratchDir, withWorld } from "./session.ts";
import { summarize, type Summary } from "./stats.ts";
import { MCP_CALLER, type McpTimings, POLLER, type PollResult } from "./supervise_clients.ts";

const BOTTLE = "sv";
const AGENT = "bench";
const MCP_CALLS = 100;
const HOST_SOCKET_CALLS = 100;
const MCP_TARGET_MS = 10;
const APPROVE_TARGET_MS = 500;

export interface SuperviseBench {
  text: string;
  /** Every target met. */
  pass: boolean;
}

type SocketHttp = ReturnType<typeof socketFetch>;

function routedHost(index: number): string {
  return `h${index}.supervise-bench.test`;
}

async function writeManifests(dir: string, originPort: number, hosts: number): Promise<void> {
  const routes = Array.from(
    { length: hosts },
    (_, index) =>
      `    - host: ${routedHost(index)}\n      upstream: http://127.0.0.1:${originPort}\n`,
  ).join("");
  await Deno.mkdir(join(dir, "bottles"), { recursive: true });
  await Deno.mkdir(join(dir, "agents"), { recursive: true });
  await Deno.writeTextFile(
    join(dir, "bottles", `${BOTTLE}.md`),
    `---\nsupervise: {enabled: true, wait_seconds: 30, per_hour: 1000}\n` +
      `egress:\n  routes:\n${routes}---\n`,
  );
  await Deno.writeTextFile(
    join(dir, "agents", `${AGENT}.md`),
    `---\nprovider: claude\nbottle: ${BOTTLE}\n---\nA bench agent; it never runs.\n`,
  );
}

async function measureMcp(world: World, socket: string): Promise<McpTimings & { host: number[] }> {
  const inside = await world.exec(BOTTLE, [
    "node",
    "-e",
    MCP_CALLER,
    AGENT,
    String(MCP_CALLS),
    "5",
  ]);
  if (!inside.ok) throw new Error(`the MCP client inside failed: ${failureReason(inside)}`);
  const timings = JSON.parse(inside.stdout) as McpTimings;
  const http = socketFetch(socket);
  const host: number[] = [];
  try {
    for (let call = -5; call < HOST_SOCKET_CALLS; call++) {
      const started = performance.now();
      const answer = await toolCall(http, "request_status", {});
      if (!answer.includes('"result"')) throw new Error(`request_status: ${answer}`);
      if (call >= 0) host.push(performance.now() - started);
    }
  } finally {
    http.close();
  }
  return { ...timings, host };
}

async function toolCall(http: SocketHttp, name: string, args: unknown): Promise<string> {
  const response = await http.fetch(superviseUrl(AGENT), {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name, arguments: args },
    }),
  });
  return await response.text();
}

interface Approval {
  /** The approval's start → the poller's first 200, ms. */
  toFirstOk: number;
  /** The CLI's wall time (spawn to exit), or how long approveRequest took to return, ms. */
  wall: number;
}

/** One request for `host`, pending with a poller refused inside, then approved and timed. */
async function oneApproval(
  world: World,
  session: Session,
  http: SocketHttp,
  host: string,
  viaCli: boolean,
): Promise<Approval> {
  const asking = toolCall(http, "request_egress", { host, reason: "bench" });
  const id = await waitUntil(
    () =>
      listRequests(session.store.db, { states: ["pending"] })
        .find((request) => (request.payload as { host?: string }).host === host)?.id,
    { what: `the pending request for ${host}`, timeoutMs: 10_000, intervalMs: 10 },
  );
  const polling = world.exec(BOTTLE, ["node", "-e", POLLER, `http://${host}/`, "15000"]);
  const egressLog = join(world.stateDir, "bottles", BOTTLE, "logs", "egress.jsonl");
  await waitUntil(
    async () => (await Deno.readTextFile(egressLog).catch(() => "")).includes(`"host":"${host}"`),
    { what: `the poller's first refusal for ${host}`, timeoutMs: 10_000, intervalMs: 20 },
  );
  const started = Date.now();
  let wall: number;
  if (viaCli) {
    const approved = await world.cli(["approve", String(id)], 60_000);
    if (!approved.ok) throw new Error(`bottle approve ${id}: ${failureReason(approved)}`);
    wall = approved.ms;
  } else {
    const before = performance.now();
    await approveRequest(session, id);
    wall = performance.now() - before;
  }
  const polled = await polling;
  const result = JSON.parse(polled.stdout || "{}") as Partial<PollResult>;
  if (!polled.ok || typeof result.ok !== "number") {
    throw new Error(`the poller for ${host} was never let through: ${polled.stdout}`);
  }
  const answer = await asking;
  if (!answer.includes(`approved (request ${id})`)) throw new Error(`request ${id}: ${answer}`);
  return { toFirstOk: result.ok - started, wall };
}

interface Approvals {
  inProcess: number[];
  /** How long approveRequest took to return (plan, apply, record). */
  inProcessCall: number[];
  cli: number[];
  cliWall: number[];
}

async function measureApprovals(world: World, dir: string, rounds: number): Promise<Approvals> {
  const session = openSession({ dir, cwd: dir, stateDir: world.stateDir });
  const socket = join(world.stateDir, "bottles", BOTTLE, "run", "supervise.sock");
  const http = socketFetch(socket);
  const out: Approvals = { inProcess: [], inProcessCall: [], cli: [], cliWall: [] };
  let next = 0;
  try {
    // Round -1 warms both paths up (the first plan in this process, the CLI's caches).
    for (let round = -1; round < rounds; round++) {
      for (const viaCli of round % 2 === 0 ? [false, true] : [true, false]) {
        const approval = await oneApproval(world, session, http, routedHost(next++), viaCli);
        if (round < 0) continue;
        if (viaCli) {
          out.cli.push(approval.toFirstOk);
          out.cliWall.push(approval.wall);
        } else {
          out.inProcess.push(approval.toFirstOk);
          out.inProcessCall.push(approval.wall);
        }
      }
    }
  } finally {
    http.close();
    session.close();
  }
  return out;
}

function row(label: string, samples: number[]): string {
  const s = summarize(samples) as Summary;
  return `  ${label.padEnd(64)} p50 ${s.median.toFixed(1).padStart(6)} ms  p90 ${
    s.p90.toFixed(1).padStart(6)
  } ms  min ${s.min.toFixed(1)}  max ${s.max.toFixed(1)}  (n=${s.n})`;
}

function median(samples: number[]): number {
  return (summarize(samples) as Summary).median;
}

function render(mcp: McpTimings & { host: number[] }, approvals: Approvals): SuperviseBench {
  const mcpP50 = median(mcp.keepAlive);
  const approveP50 = median(approvals.inProcess);
  const targets = [
    {
      pass: mcpP50 <= MCP_TARGET_MS,
      label: `MCP tool call inside, through the door, p50 = ${mcpP50.toFixed(1)} ms ` +
        `(target ≤ ${MCP_TARGET_MS} ms)`,
    },
    {
      pass: approveP50 <= APPROVE_TARGET_MS,
      label: `approve (in process) → first request let through, median = ${
        approveP50.toFixed(0)
      } ms (target ≤ ${APPROVE_TARGET_MS} ms)`,
    },
  ];
  const lines = [
    "MCP tools/call request_status:",
    row("inside the bottle, door (socat) → supervise.sock, kept-alive", mcp.keepAlive),
    row("inside the bottle, door (socat) → supervise.sock, new connection", mcp.fresh),
    row("from the host, straight to supervise.sock (no door)", mcp.host),
    "approve → the first request through the proxy let through (poller inside, every ~2 ms):",
    row("approveRequest in process", approvals.inProcess),
    row("approveRequest's own duration (plan, apply, record)", approvals.inProcessCall),
    row("`bottle approve` CLI", approvals.cli),
    row("`bottle approve` CLI wall time (spawn to exit)", approvals.cliWall),
    "supervise targets:",
    ...targets.map((target) => `  ${target.pass ? "PASS" : "MISS"}  ${target.label}`),
  ];
  return { text: lines.join("\n"), pass: targets.every((target) => target.pass) };
}

export async function runSuperviseBench(rounds = 7): Promise<SuperviseBench> {
  const origin = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("origin\n"),
  );
  try {
    const dir = await scratchDir("bot-bottle-bench-supervise-");
    await writeManifests(dir, origin.addr.port, 2 * (rounds + 1));
    return await withWorld(dir, "supervise", async (world) => {
      const applied = await world.apply();
      if (!applied.ok) throw new Error(`apply: ${failureReason(applied)}`);
      const socket = join(world.stateDir, "bottles", BOTTLE, "run", "supervise.sock");
      log(`supervise: ${MCP_CALLS} MCP calls inside, ${rounds} approvals each way …`);
      const mcp = await measureMcp(world, socket);
      return render(mcp, await measureApprovals(world, dir, rounds));
    });
  } finally {
    await origin.shutdown();
  }
}

if (import.meta.main) {
  if (!Deno.env.get("ANTHROPIC_API_KEY")) Deno.env.set("ANTHROPIC_API_KEY", "bench-not-a-real-key");
  const rounds = Number(Deno.args[0] ?? "7");
  try {
    const bench = await runSuperviseBench(rounds);
    console.log(`supervise\n${bench.text}`);
  } finally {
    await disposeAll();
  }
}
