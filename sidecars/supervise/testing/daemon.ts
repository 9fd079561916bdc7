/**
 * Test fixture: a real supervise daemon, started exactly as the bundle would (superviseChild's
 * command line and permissions), on a temporary socket, state database and policy files;
 * and a real MCP client from the SDK that speaks to it over the Unix socket.
 */

import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { EgressPolicy } from "../../egress/policy/wire.ts";
import type { GatePolicy } from "../../gitgate/wire.ts";
import { installSdk, superviseChild } from "../mod.ts";
import { QUEUE_SCHEMA } from "../queue.ts";
import { SUPERVISE_CONFIG_FILE, type SuperviseConfig, superviseUrl } from "../wire.ts";

export interface Bottle {
  root: string;
  runDir: string;
  logDir: string;
  configFile: string;
  egressFile: string;
  gateFile: string;
  stateDb: string;
  config: SuperviseConfig;
}

export function writeJson(path: string, value: unknown): void {
  Deno.writeTextFileSync(`${path}.tmp`, JSON.stringify(value, null, 2));
  Deno.renameSync(`${path}.tmp`, path);
}

/** A bottle directory with a WAL state database holding the queue tables, and policies. */
export function makeBottle(
  root: string,
  overrides: Partial<SuperviseConfig>,
  egress: Partial<EgressPolicy> = {},
  gate?: Partial<GatePolicy>,
): Bottle {
  const runDir = join(root, "run");
  const logDir = join(root, "log");
  const bottleDir = join(root, "bottle");
  for (const dir of [runDir, logDir, bottleDir]) Deno.mkdirSync(dir, { mode: 0o700 });
  const stateDb = join(root, "state", "state.db");
  Deno.mkdirSync(join(root, "state"), { mode: 0o700 });
  const db = new DatabaseSync(stateDb);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(QUEUE_SCHEMA);
  db.close();
  const egressFile = join(bottleDir, "policy.json");
  writeJson(egressFile, { version: 1, bottle: "dev", allow: [], deny: [], routes: [], ...egress });
  const gateFile = join(bottleDir, "gate.json");
  if (gate !== undefined) {
    writeJson(gateFile, {
      version: 1,
      bottle: "dev",
      upstreams: [],
      dlp: {},
      fetch_cache_seconds: 0,
      ...gate,
    });
  }
  const config: SuperviseConfig = {
    version: 1,
    bottle: "dev",
    project: join(root, "project"),
    state_db: stateDb,
    egress_policy_file: egressFile,
    ...(gate === undefined ? {} : { gate_policy_file: gateFile }),
    agents: ["reviewer"],
    kinds: ["egress", "git", "ask"],
    wait_seconds: 1,
    max_pending: 10,
    per_hour: 100,
    notify: null,
    log_dir: logDir,
    ...overrides,
  };
  const configFile = join(bottleDir, SUPERVISE_CONFIG_FILE);
  writeJson(configFile, config);
  return { root, runDir, logDir, configFile, egressFile, gateFile, stateDb, config };
}

export interface RunningDaemon {
  socket: string;
  process: Deno.ChildProcess;
  /** What the daemon wrote on stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

export async function waitFor<T>(
  what: string,
  ms: number,
  probe: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Starts the daemon with superviseChild's exact command line and waits for its socket. */
export async function startDaemon(bottle: Bottle): Promise<RunningDaemon> {
  await installSdk();
  const spec = superviseChild(
    { runDir: bottle.runDir, configFile: bottle.configFile, config: bottle.config },
    { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: bottle.root },
  );
  const process = new Deno.Command(spec.command, {
    args: spec.args,
    env: spec.env,
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const decoder = new TextDecoder();
  const reading = (async () => {
    for await (const chunk of process.stderr) stderr += decoder.decode(chunk, { stream: true });
  })();
  const stop = async (): Promise<void> => {
    try {
      process.kill("SIGTERM");
    } catch {
      // gone
    }
    await Promise.all([process.status, reading]);
  };
  try {
    await waitFor("the supervise socket", 20_000, async () => {
      const exited = await Promise.race([
        process.status.then((status) => status),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 0)),
      ]);
      if (exited !== null) throw new Error(`the daemon exited (${exited.code}): ${stderr}`);
      try {
        const conn = await Deno.connect({ transport: "unix", path: spec.socket });
        conn.close();
        return true;
      } catch {
        return undefined;
      }
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { socket: spec.socket, process, stderr: () => stderr, stop };
}

/** `fetch` through the Unix socket (the URL's host and port only fill the Host header). */
export function socketFetch(socket: string): {
  fetch: (url: string | URL, init?: RequestInit) => Promise<Response>;
  close: () => void;
} {
  const client = Deno.createHttpClient({ proxy: { transport: "unix", path: socket } });
  return {
    fetch: (url, init) => fetch(url, { ...init, client }),
    close: () => client.close(),
  };
}

export interface McpSession {
  client: Client;
  close(): Promise<void>;
}

/** A real MCP client (the SDK's) for `agent`, connected through the socket. */
export async function connectAgent(socket: string, agent: string): Promise<McpSession> {
  const http = socketFetch(socket);
  const client = new Client({ name: "supervise-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(superviseUrl(agent)), {
    fetch: http.fetch,
  });
  await client.connect(transport);
  return {
    client,
    close: async () => {
      await client.close();
      http.close();
    },
  };
}

/** The text of a tool result, and whether it is an error. */
export function resultText(result: unknown): { text: string; isError: boolean } {
  const value = result as { content?: { type: string; text?: string }[]; isError?: boolean };
  const text = (value.content ?? []).map((part) => part.text ?? "").join("\n");
  return { text, isError: value.isError === true };
}
