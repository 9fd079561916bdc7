/**
 * A real git smart-HTTP upstream on 127.0.0.1 for the git gate's tests: a Deno HTTP server
 * that wants `Authorization: Basic base64(USER:TOKEN)` (401 with `WWW-Authenticate` without
 * it) and runs stock `git http-backend` as a CGI for each request, push enabled. Every request
 * is logged with whether it carried the token, so a test can say the token was used.
 */
import { join } from "node:path";
import { makeUpstreamRepo } from "./git_upstream_repo.ts";
import { cgiResponse } from "./cgi.ts";

export interface UpstreamRequest {
  method: string;
  /** Path and query: `/repo.git/info/refs?service=git-upload-pack`. */
  path: string;
  authorized: boolean;
}

export interface HttpUpstream {
  /** `http://127.0.0.1:PORT/repo.git` */
  url: string;
  port: number;
  username: string;
  token: string;
  repoPath: string;
  /** sha of `main`'s one commit at start. */
  initialCommit: string;
  requests: UpstreamRequest[];
  /** What `git http-backend` wrote to stderr, for a failing test's message. */
  backendErrors: string[];
  /** Kills running CGIs, closes the server, removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

const USERNAME = "x-access-token";

/** Starts the server on a free 127.0.0.1 port serving a fresh bare `repo.git`. */
export async function startHttpUpstream(): Promise<HttpUpstream> {
  const dir = await Deno.makeTempDir({ prefix: "bb-git-http-" });
  const root = join(dir, "root");
  const repoPath = join(root, "repo.git");
  const initialCommit = await makeUpstreamRepo(repoPath).catch(async (error: Error) => {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  });
  const token = `tok-${crypto.randomUUID()}`;
  const expected = `Basic ${btoa(`${USERNAME}:${token}`)}`;
  const requests: UpstreamRequest[] = [];
  const backendErrors: string[] = [];
  const running = new Set<Deno.ChildProcess>();

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const url = new URL(request.url);
    const authorized = request.headers.get("authorization") === expected;
    requests.push({ method: request.method, path: url.pathname + url.search, authorized });
    if (!authorized) {
      return new Response("authentication required\n", {
        status: 401,
        headers: { "www-authenticate": 'Basic realm="git"' },
      });
    }
    return backend(request, url, { root, home: dir, running, backendErrors });
  });

  let stopped = false;
  return {
    url: `http://127.0.0.1:${server.addr.port}/repo.git`,
    port: server.addr.port,
    username: USERNAME,
    token,
    repoPath,
    initialCommit,
    requests,
    backendErrors,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const child of running) killGroup(child.pid);
      await Promise.all([...running].map((child) => child.status.catch(() => {})));
      await server.shutdown();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

interface Backend {
  root: string;
  home: string;
  running: Set<Deno.ChildProcess>;
  backendErrors: string[];
}

/** One request through `git http-backend` (its own process group, so `stop` can end it). */
async function backend(request: Request, url: URL, context: Backend): Promise<Response> {
  const header = (name: string): Record<string, string> => {
    const value = request.headers.get(name);
    return value === null ? {} : { [`HTTP_${name.toUpperCase().replaceAll("-", "_")}`]: value };
  };
  const length = request.headers.get("content-length");
  const child = new Deno.Command("git", {
    args: ["http-backend"],
    clearEnv: true,
    env: {
      PATH: "/usr/local/bin:/usr/bin:/bin",
      HOME: context.home,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_PROJECT_ROOT: context.root,
      GIT_HTTP_EXPORT_ALL: "1",
      // Push is on for an authenticated user (REMOTE_USER), and said outright as well.
      REMOTE_USER: USERNAME,
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "http.receivepack",
      GIT_CONFIG_VALUE_0: "true",
      GATEWAY_INTERFACE: "CGI/1.1",
      SERVER_PROTOCOL: "HTTP/1.1",
      REMOTE_ADDR: "127.0.0.1",
      REQUEST_METHOD: request.method,
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ""),
      CONTENT_TYPE: request.headers.get("content-type") ?? "",
      ...(length === null ? {} : { CONTENT_LENGTH: length }),
      ...header("content-encoding"),
      ...header("git-protocol"),
    },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    detached: true,
  }).spawn();
  context.running.add(child);
  child.status.finally(() => context.running.delete(child)).catch(() => {});
  new Response(child.stderr).text().then((text) => {
    if (text !== "") context.backendErrors.push(text);
  }).catch(() => {});
  // Fed while the response is read: http-backend may answer before it has read everything.
  const body = request.body;
  if (body === null) child.stdin.close().catch(() => {});
  else body.pipeTo(child.stdin).catch(() => {});
  return await cgiResponse(child.stdout);
}

function killGroup(pid: number): void {
  try {
    Deno.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}
