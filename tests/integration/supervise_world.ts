/**
 * Helpers for the supervise end-to-end test (supervise_test.ts): the operator's side through
 * the CLI, MCP calls made from inside a bottle (curl through the door), the processes an
 * approval must leave alone, and an origin on 127.0.0.1 that egress routes lead to.
 */
import { basename } from "node:path";
import { StateStore } from "../../engine/state.ts";
import { isAlive, type ProcessIdentity, readCmdline, readStat } from "../../lib/process.ts";
import type { SuperviseRequest } from "../../sidecars/supervise/wire.ts";
import { SUPERVISE_PORT } from "../../sidecars/supervise/wire.ts";
import { waitUntil } from "../../lib/wait.ts";
import { type CliResult, expectCode, type World } from "./harness.ts";
import { treeOf } from "./process_tree.ts";

/**
 * A plain HTTP origin on 127.0.0.1 that records the path of every request it answers (the
 * proxy sends the route's `upstream` as Host, so paths tell the requests apart).
 */
export interface Origin {
  port: number;
  seen: string[];
  close(): Promise<void>;
}

export function startOrigin(): Origin {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const path = new URL(request.url).pathname;
    seen.push(path);
    return new Response(`origin saw ${path}\n`);
  });
  return { port: server.addr.port, seen, close: () => server.shutdown() };
}

/** `egress.routes` entries leading each of `hosts` to the origin (never allowed by themselves). */
export function originRoutes(hosts: string[], origin: Origin): string {
  return hosts.map((host) =>
    `    - host: ${host}\n      upstream: http://127.0.0.1:${origin.port}\n`
  ).join("");
}

/** `bottle exec BOTTLE -- ARGV…` against the world. */
export function execIn(world: World, bottle: string, argv: string[]): Promise<CliResult> {
  return world.cli(["exec", bottle, "--", ...argv]);
}

/** A tool's answer as the MCP client reads it. */
export interface ToolAnswer {
  text: string;
  isError: boolean;
}

/** The curl argv of one MCP `tools/call` to `agent`'s URL, or of any other JSON-RPC body. */
export function mcpCurl(agent: string, body: unknown, maxSeconds: number): string[] {
  return [
    "curl",
    "-sS",
    "--max-time",
    String(maxSeconds),
    "-H",
    "content-type: application/json",
    "-H",
    "accept: application/json, text/event-stream",
    "--data-binary",
    JSON.stringify(body),
    `http://127.0.0.1:${SUPERVISE_PORT}/mcp/${agent}`,
  ];
}

/**
 * One MCP `tools/call` from inside the bottle: curl to the door's port, as an agent's MCP
 * client would (the server is stateless: no initialize, no session). Bounded by `maxSeconds`.
 */
export async function callTool(
  world: World,
  bottle: string,
  agent: string,
  tool: string,
  args: Record<string, unknown>,
  maxSeconds = 45,
): Promise<ToolAnswer> {
  const body = {
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: tool, arguments: args },
  };
  const result = await execIn(world, bottle, mcpCurl(agent, body, maxSeconds));
  expectCode(result, 0, `${tool} from inside ${bottle}`);
  const reply = JSON.parse(result.stdout) as {
    result?: { content?: { text?: string }[]; isError?: boolean };
    error?: { message?: string };
  };
  if (reply.result === undefined) {
    throw new Error(`${tool}: no result: ${result.stdout}`);
  }
  return {
    text: (reply.result.content ?? []).map((part) => part.text ?? "").join("\n"),
    isError: reply.result.isError === true,
  };
}

/** `bottle requests [--all] --json`: the queue as the operator sees it. */
export async function operatorQueue(world: World, all = false): Promise<SuperviseRequest[]> {
  const result = await world.cli(["requests", ...(all ? ["--all"] : []), "--json"]);
  expectCode(result, 0, "requests --json");
  return (JSON.parse(result.stdout) as { requests: SuperviseRequest[] }).requests;
}

/** Polls `bottle requests --json` (bounded) until a pending request matches. */
export function pendingRequest(
  world: World,
  what: string,
  matches: (request: SuperviseRequest) => boolean,
  timeoutMs = 45_000,
): Promise<SuperviseRequest> {
  return waitUntil(
    async () => (await operatorQueue(world)).find(matches),
    { what: `a pending request: ${what}`, timeoutMs, intervalMs: 200 },
  );
}

/** One request by id from `bottle requests --all --json`. */
export async function requestById(world: World, id: number): Promise<SuperviseRequest> {
  const found = (await operatorQueue(world, true)).find((request) => request.id === id);
  if (found === undefined) throw new Error(`the operator's queue has no request ${id}`);
  return found;
}

export function hostOf(request: SuperviseRequest): string | undefined {
  return request.kind === "egress" ? (request.payload as { host: string }).host : undefined;
}

interface Recorded {
  sandbox: { init: ProcessIdentity; door: ProcessIdentity };
  bundle: ProcessIdentity;
  supervise: ProcessIdentity;
}

function recorded(world: World, bottle: string): Recorded {
  const store = new StateStore(world.stateDir);
  try {
    const outputs = (id: string): Record<string, unknown> => {
      const record = store.get(id);
      if (!record?.outputs) throw new Error(`no outputs recorded for ${id}`);
      return record.outputs as Record<string, unknown>;
    };
    const sandbox = outputs(`sandbox.${bottle}`) as unknown as Recorded["sandbox"];
    return {
      sandbox: { init: sandbox.init, door: sandbox.door },
      bundle: outputs(`sidecar_bundle.${bottle}`).supervisor as ProcessIdentity,
      supervise: outputs(`supervise.${bottle}`).supervisor as ProcessIdentity,
    };
  } finally {
    store.close();
  }
}

/** `socat TCP-LISTEN:3130,…`, `deno …/sidecars/egress/main.ts`: what a process runs. */
function labelOf(pid: number): string {
  const argv = readCmdline(pid) ?? [];
  const what = argv.find((arg) => /\.(ts|pl)$/.test(arg)) ??
    argv.find((arg) => arg.startsWith("TCP-LISTEN:")) ?? argv[1] ?? "";
  return `${basename(argv[0] ?? "?")} ${what}`.trim();
}

/**
 * The bottle's long-lived processes, one `pid@start what` line each, sorted: the sandbox (bwrap,
 * its init, the door and its socat listeners) and the sidecars (the bundle's supervisor and
 * egress proxy, the supervise server and its supervisor). Left out, as they come and go on
 * their own: the door's `sleep 1` watch loops and a socat's per-connection children.
 */
export function longLivedProcesses(world: World, bottle: string): string[] {
  const roots = recorded(world, bottle);
  const members = [roots.sandbox.init, roots.sandbox.door, roots.bundle, roots.supervise]
    .flatMap((root) => {
      if (!isAlive(root)) throw new Error(`${bottle}: ${root.pid} is gone`);
      return treeOf(root);
    });
  return [...new Map(members.map((member) => [member.pid, member])).values()]
    .filter((member) => {
      const argv = readCmdline(member.pid) ?? [];
      if (argv.length === 0 || /(^|\/)sleep$/.test(argv[0])) return false;
      const parent = readStat(member.pid)?.ppid ?? 0;
      return !(/(^|\/)socat$/.test(argv[0]) && labelOf(parent).startsWith("socat "));
    })
    .map((member) => `${member.pid}@${member.startTime} ${labelOf(member.pid)}`)
    .sort();
}

/** The lines of `processes` whose command runs `what` (e.g. `sidecars/egress/main.ts`). */
export function running(processes: string[], what: RegExp): string[] {
  return processes.filter((line) => what.test(line));
}
