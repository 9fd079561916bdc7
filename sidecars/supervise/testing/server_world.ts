/**
 * Test fixture: one supervise daemon started as the bundle starts it, its bottle allowing
 * `registry.npmjs.org` and `*.allowed.example`, denying `evil.example`, with a git upstream
 * `repo` (protected main and release/**, pushes to agent/**), a notify command, an
 * "operator" on the same WAL state database, and the agent `reviewer` connected over MCP.
 */
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  type Bottle,
  connectAgent,
  makeBottle,
  type McpSession,
  resultText,
  type RunningDaemon,
  startDaemon,
  waitFor,
} from "./daemon.ts";
import { recentRequests } from "../queue.ts";
import type { SuperviseRequest } from "../wire.ts";

export interface Answer {
  text: string;
  isError: boolean;
}

export async function call(
  session: McpSession,
  name: string,
  args: Record<string, unknown>,
): Promise<Answer> {
  return resultText(await session.client.callTool({ name, arguments: args }));
}

export interface ServerWorld {
  root: string;
  notified: string;
  bottle: Bottle;
  daemon: RunningDaemon;
  operator: DatabaseSync;
  project: string;
  session: McpSession;
  pending(): SuperviseRequest[];
  /** The newest pending request of `kind` after `since`, once the daemon has queued it. */
  queued(kind: string, since: number): Promise<SuperviseRequest>;
  lastId(): number;
  /** Stops everything; returns the daemon's stderr. */
  close(): Promise<string>;
}

export async function startServerWorld(): Promise<ServerWorld> {
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
  return {
    root,
    notified,
    bottle,
    daemon,
    operator,
    project,
    session,
    pending,
    queued,
    lastId,
    async close(): Promise<string> {
      await session.close().catch(() => {});
      operator.close();
      await daemon.stop();
      await Deno.remove(root, { recursive: true });
      return daemon.stderr();
    },
  };
}
