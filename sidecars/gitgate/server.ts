/**
 * The gate's HTTP face: git smart HTTP for declared upstreams, served by `git upload-pack` and
 * `git receive-pack` in stateless-RPC mode, as `git http-backend` runs them (service.ts).
 *
 * Why smart HTTP and not `git daemon`: each request passes through
 * this process, so it can be refused, audited and answered with a message git prints
 * (`ERR` pkt-lines, `remote:` lines) per upstream; the mirror is refreshed before each ref
 * advertisement; receive-pack runs with an environment we choose, so its pre-receive hook
 * reaches the daemon and the push can be checked and forwarded before it lands; and the
 * request body can be counted and cut off. `git daemon` offers none of these hooks, speaks
 * only to whole repositories, and would need its own listener per bottle.
 */

import { concat } from "../../lib/bytes.ts";
import { configEnv } from "./git_env.ts";
import { PUSH_ID_ENV } from "./hook_script.ts";
import type { Mirrors } from "./mirror.ts";
import {
  errorAdvertisement,
  type GitService,
  parsePushCommands,
  refusalReport,
} from "./pktline.ts";
import type { PushContext } from "./push_check.ts";
import { route, undeclaredMessage } from "./route.ts";
import { runService } from "./service.ts";
import type { AuditRecord } from "./audit.ts";
import type { LoadedPolicy } from "./policy_file.ts";

export const CGI_TIMEOUT_MS = 1_800_000;
/**
 * Git requests served at once (each one a `git http-backend` on the host, outside the
 * sandbox); more are refused at once with a message, so an agent opening connections
 * without end cannot fill the host's process table or memory.
 */
export const MAX_BACKENDS = 32;

/** One request's place among MAX_BACKENDS: freed when its backend exits, or at once. */
interface Slot {
  spawned: boolean;
  release: () => void;
}

export interface ServerDeps {
  policy: () => LoadedPolicy;
  mirrors: Mirrors;
  pushes: Map<string, PushContext>;
  baseEnv: Record<string, string>;
  hooksDir: string;
  audit: AuditRecord;
  log: (line: string) => void;
}

function gitError(service: GitService, message: string): Response {
  return new Response(errorAdvertisement(service, message), {
    status: 200,
    headers: {
      "content-type": `application/x-${service}-advertisement`,
      "cache-control": "no-cache",
    },
  });
}

function plain(status: number, message: string): Response {
  return new Response(`${message}\n`, { status, headers: { "content-type": "text/plain" } });
}

export function gateHandler(deps: ServerDeps): (request: Request) => Promise<Response> {
  let running = 0;
  let refusing = false;
  return async (request) => {
    if (running >= MAX_BACKENDS) {
      if (!refusing) deps.log(`gitgate: ${MAX_BACKENDS} git requests in progress; refusing more`);
      refusing = true;
      return plain(
        503,
        `the gate is busy: ${MAX_BACKENDS} git requests are in progress; try again when one ends`,
      );
    }
    running += 1;
    refusing = false;
    let released = false;
    const slot: Slot = {
      spawned: false,
      release: () => {
        if (!released) running -= 1;
        released = true;
      },
    };
    try {
      const response = await serveGit(deps, request, slot);
      if (!slot.spawned) slot.release();
      return response;
    } catch (error) {
      slot.release();
      throw error;
    }
  };
}

async function serveGit(deps: ServerDeps, request: Request, slot: Slot): Promise<Response> {
  const url = new URL(request.url);
  const target = route(url.pathname, url.searchParams);
  const { policy, tokens } = deps.policy();
  const upstream = target.kind === "upstream"
    ? policy.upstreams.find((u) => u.name === target.name)
    : undefined;
  const { suffix } = target;
  if (upstream === undefined) {
    const original = target.kind === "upstream" ? target.name : target.original;
    const message = undeclaredMessage(policy.bottle, original, target.kind === "upstream");
    if (suffix.kind !== "other" && suffix.service !== null) {
      return gitError(suffix.service, message);
    }
    return plain(404, message);
  }
  if (suffix.kind === "other" || suffix.service === null) {
    return plain(
      403,
      "the gate serves git smart HTTP only (git fetch, pull, push, clone, ls-remote)",
    );
  }
  const service = suffix.service;
  const token = tokens.get(upstream.name) ?? null;
  if (suffix.kind === "refs") {
    if (request.method !== "GET") return plain(405, "info/refs is fetched with GET");
    const forPush = service === "git-receive-pack";
    const auditFetch = (verdict: "allow" | "error", rule: string, message: string): void =>
      deps.audit({
        bottle: policy.bottle,
        upstream: upstream.name,
        op: "fetch",
        ref: null,
        old: null,
        new: null,
        verdict,
        rule,
        bytes: null,
        message,
      });
    try {
      const { refreshed, fetched } = await deps.mirrors.refresh(
        upstream,
        token,
        policy.fetch_cache_seconds,
      );
      const how = refreshed
        ? (fetched ? "refreshed from upstream" : "upstream unchanged")
        : "served from the mirror";
      auditFetch(
        "allow",
        refreshed ? "fetch:refreshed" : "fetch:cached",
        how + (forPush ? " (push)" : ""),
      );
    } catch (error) {
      const message = (error as Error).message;
      auditFetch("error", "fetch:upstream", message);
      return gitError(service, `the gate cannot reach upstream ${upstream.name}: ${message}`);
    }
  } else if (request.method !== "POST") {
    return plain(405, `${service} is called with POST`);
  }

  const env: Record<string, string> = {
    ...deps.baseEnv,
    // Maintenance runs after the response (Mirrors.maintain), not inside receive-pack.
    ...configEnv([
      ["core.hooksPath", deps.hooksDir],
      ["receive.autogc", "false"],
      // A limit on the pack as git reads it (also after a gzip'd body is undone), beside the
      // count of the body's bytes below.
      ["receive.maxInputSize", String(upstream.push.max_push_bytes)],
      // Malformed objects (a tree holding `.git`, duplicate entries, bad identities) are
      // refused before the policy reads them or they go upstream.
      ["receive.fsckObjects", "true"],
    ]),
    // What http-backend sets for receive-pack from REMOTE_USER and REMOTE_ADDR.
    GIT_COMMITTER_NAME: policy.bottle,
    GIT_COMMITTER_EMAIL: `${policy.bottle}@http.127.0.0.1`,
  };
  const header = request.headers.get("git-protocol");
  const protocol = header !== null && /^[A-Za-z0-9=:._-]{1,100}$/.test(header) ? header : null;
  const encoding = request.headers.get("content-encoding");
  let body = request.method === "POST" ? request.body : null;
  if (body !== null && (encoding === "gzip" || encoding === "x-gzip")) {
    body = body.pipeThrough(new DecompressionStream("gzip"));
  } else if (encoding !== null && encoding !== "identity") {
    return plain(415, `unsupported content-encoding ${encoding}`);
  }
  const length = request.headers.get("content-length");

  const isPush = suffix.kind === "rpc" && service === "git-receive-pack";
  let bytes = 0;
  let pushId: string | null = null;
  const max = upstream.push.max_push_bytes;
  if (isPush) {
    if (length !== null && Number(length) > max) {
      return tooLarge(await readHead(request.body), Number(length), max);
    }
    pushId = crypto.randomUUID();
    env[PUSH_ID_ENV] = pushId;
    deps.pushes.set(pushId, {
      upstream,
      grants: (policy.grants ?? []).filter((g) => g.upstream === upstream.name),
      supervise: policy.supervise === true,
      token,
      bytes: () => bytes,
    });
  }
  slot.spawned = true;
  return await runService({
    service,
    advertise: suffix.kind === "refs",
    mirror: upstream.mirror,
    protocol,
    env,
    body,
    signal: request.signal,
    timeoutMs: CGI_TIMEOUT_MS,
    maxBodyBytes: isPush ? max : null,
    refusal: (head) =>
      refusalReport(
        parsePushCommands(head) ?? { refs: [], sideBand: false },
        "push too large",
        tooLargeMessage(bytes, max),
      ),
    onBytes: (total) => (bytes = total),
    onExit: () => {
      slot.release();
      if (pushId === null) return;
      deps.pushes.delete(pushId);
      deps.mirrors.maintain(upstream.mirror);
    },
    log: deps.log,
  });
}

function tooLargeMessage(bytes: number, max: number): string {
  return `gate: push refused: the push is more than ${max} bytes (max_push_bytes; at least ${bytes} sent); ` +
    `push fewer or smaller commits, or keep large files out of git`;
}

function tooLarge(head: Uint8Array, bytes: number, max: number): Response {
  const commands = parsePushCommands(head) ?? { refs: [], sideBand: false };
  return new Response(refusalReport(commands, "push too large", tooLargeMessage(bytes, max)), {
    status: 200,
    headers: { "content-type": "application/x-git-receive-pack-result" },
  });
}

/** The first bytes of a body (the push commands), the rest left unread. */
async function readHead(body: ReadableStream<Uint8Array> | null): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < 65536) {
      const { value, done } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.length;
    }
  } catch {
    // a short head is enough for the refusal
  } finally {
    await reader.cancel().catch(() => {});
  }
  return concat(parts);
}
