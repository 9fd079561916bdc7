/**
 * The floor any HTTP git gate pays: stock `git http-backend` as a CGI per request, served by
 * Deno.serve on a Unix socket behind the same socat TCP forwarder the gate uses, straight on
 * the upstream (no mirror, no policy, no scan, no forward). Push enabled.
 */

import { basename, dirname, join } from "node:path";
import { cgiResponse } from "../integration/cgi.ts";

export interface PlainGitHttp {
  /** `http://127.0.0.1:PORT/NAME.git` */
  url: string;
  stop(): Promise<void>;
}

function backend(request: Request, repo: string, home: string): Promise<Response> {
  const url = new URL(request.url);
  const header = (name: string): Record<string, string> => {
    const value = request.headers.get(name);
    return value === null ? {} : { [`HTTP_${name.toUpperCase().replaceAll("-", "_")}`]: value };
  };
  const length = request.headers.get("content-length");
  const child = new Deno.Command("git", {
    args: ["http-backend"],
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: home,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_PROJECT_ROOT: dirname(repo),
      GIT_HTTP_EXPORT_ALL: "1",
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "http.receivepack",
      GIT_CONFIG_VALUE_0: "true",
      REMOTE_ADDR: "127.0.0.1",
      REQUEST_METHOD: request.method,
      PATH_INFO: url.pathname,
      QUERY_STRING: url.search.replace(/^\?/, ""),
      CONTENT_TYPE: request.headers.get("content-type") ?? "",
      ...(length === null ? {} : { CONTENT_LENGTH: length }),
      ...header("content-encoding"),
      ...header("git-protocol"),
    },
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  if (request.body === null) child.stdin.close().catch(() => {});
  else request.body.pipeTo(child.stdin).catch(() => {});
  child.status.catch(() => {});
  return cgiResponse(child.stdout);
}

export async function startPlainGitHttp(repo: string, root: string): Promise<PlainGitHttp> {
  const socket = join(root, "plain-http.sock");
  const server = Deno.serve(
    { path: socket, onListen: () => {} },
    (request) => backend(request, repo, root),
  );
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const forwarder = new Deno.Command("socat", {
    args: [`TCP-LISTEN:${port},bind=127.0.0.1,fork,reuseaddr`, `UNIX-CONNECT:${socket}`],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url: `http://127.0.0.1:${port}/${basename(repo)}`,
    stop: async () => {
      forwarder.kill("SIGTERM");
      await forwarder.status;
      await server.shutdown();
    },
  };
}
