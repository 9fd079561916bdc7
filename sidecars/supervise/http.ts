/**
 * The HTTP face: MCP Streamable HTTP, stateless. Every `POST /mcp/AGENT` gets a fresh
 * McpServer and transport (no session id, JSON responses), so nothing lives between requests
 * and a restart or a reload of the sidecar is invisible to the agent's MCP client. There is
 * no SSE stream to open (GET) and no session to end (DELETE): both are 405.
 *
 * AGENT must be one of the bottle's agents. The name is advisory: every agent of a bottle
 * shares its sandbox and can reach the same URL under any agent's name, so it only files a
 * request under a name; limits and visibility are per bottle where it matters.
 */

import { McpServer, WebStandardStreamableHTTPServerTransport } from "./sdk.ts";
import type { Service } from "./service.ts";
import { registerTools, SERVER_INSTRUCTIONS } from "./tools.ts";
import { SUPERVISE_PATH, SUPERVISE_PORT } from "./wire.ts";

/** The largest request body accepted (a tool call's arguments are a few KiB at most). */
export const MAX_BODY_BYTES = 64 * 1024;
/** The most array elements and object members one tool call's arguments may hold. */
const MAX_INPUT_ELEMENTS = 32;
const SERVER_INFO = { name: "bot-bottle-supervise", version: "1.0.0" };

/**
 * The server validates JSON Schemas only for elicitation, which this one never sends; the
 * SDK's default would build an Ajv instance per McpServer, i.e. per HTTP request (about
 * 1 ms and a heap that grows under load, measured), so one refusing stub is shared.
 */
const NO_SCHEMA_VALIDATION = {
  getValidator: () => () => ({
    valid: false as const,
    data: undefined,
    errorMessage: "this server does not validate JSON Schemas",
  }),
};

/** A JSON-RPC error response without an id (the request was not read as JSON-RPC). */
export function rpcError(status: number, message: string, headers: HeadersInit = {}): Response {
  return Response.json(
    { jsonrpc: "2.0", error: { code: -32000, message }, id: null },
    { status, headers },
  );
}

/** The agent named by a `/mcp/AGENT` path, or null for any other path. */
export function agentOf(pathname: string): string | null {
  const prefix = `${SUPERVISE_PATH}/`;
  if (!pathname.startsWith(prefix)) return null;
  const rest = pathname.slice(prefix.length);
  if (rest === "" || rest.includes("/")) return null;
  try {
    return decodeURIComponent(rest);
  } catch {
    return null;
  }
}

/** `stopping` aborts every waiting call (the daemon is shutting down). */
export function superviseHandler(
  service: Service,
  stopping?: AbortSignal,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const config = service.config();
    const agent = agentOf(new URL(request.url).pathname);
    if (agent === null) {
      return rpcError(
        404,
        `not found: the supervise MCP endpoint is http://127.0.0.1:${SUPERVISE_PORT}` +
          `${SUPERVISE_PATH}/AGENT`,
      );
    }
    if (!config.agents.includes(agent)) {
      return rpcError(
        404,
        `no agent ${JSON.stringify(agent.slice(0, 64))} in bottle ${config.bottle} (its agents: ` +
          `${config.agents.join(", ")}); use the URL your MCP configuration names`,
      );
    }
    if (request.method !== "POST") {
      return rpcError(
        405,
        "method not allowed: this MCP server is stateless; send every message by POST",
        { Allow: "POST" },
      );
    }
    const server = new McpServer(SERVER_INFO, {
      instructions: SERVER_INSTRUCTIONS,
      maxToolInputElements: MAX_INPUT_ELEMENTS,
      jsonSchemaValidator: NO_SCHEMA_VALIDATION,
    });
    // Not AbortSignal.any with the daemon-long `stopping`: that would keep every request's
    // signal alive as long as the daemon (measured: the heap grew by ~1 KB a request).
    const gone = new AbortController();
    const abort = (): void => gone.abort();
    if (request.signal.aborted || stopping?.aborted) abort();
    request.signal.addEventListener("abort", abort, { once: true });
    stopping?.addEventListener("abort", abort, { once: true });
    registerTools(server, service, agent, gone.signal);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: MAX_BODY_BYTES,
    });
    try {
      await server.connect(transport);
      return await transport.handleRequest(request);
    } finally {
      stopping?.removeEventListener("abort", abort);
      request.signal.removeEventListener("abort", abort);
      await server.close();
    }
  };
}
