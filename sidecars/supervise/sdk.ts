/**
 * The one place that names the MCP SDK and zod for the supervise sidecar. Sidecars run with
 * `--no-config` (see ../bundle/deno_cmd.ts), so the specifiers are spelled out in full;
 * deno.json pins the same versions (sdk_test.ts checks). The SDK accepts zod ^3.25 || ^4:
 * its `registerTool` takes a zod 4 object shape (`{ host: z.string() }`) as `inputSchema`.
 */

export { McpServer } from "npm:@modelcontextprotocol/sdk@1.32.2/server/mcp.js";
export { WebStandardStreamableHTTPServerTransport } from "npm:@modelcontextprotocol/sdk@1.32.2/server/webStandardStreamableHttp.js";
export type { CallToolResult } from "npm:@modelcontextprotocol/sdk@1.32.2/types.js";
export { z } from "npm:zod@4.1.12";

export const MCP_SDK_SPECIFIER = "npm:@modelcontextprotocol/sdk@1.32.2";
export const ZOD_SPECIFIER = "npm:zod@4.1.12";
