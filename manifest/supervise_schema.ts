import { z } from "zod";
import { strict, text } from "./schema_parts.ts";
import type { SuperviseKind } from "./types.ts";

/** What an agent may ask for through the supervise MCP server (`kinds:`). */
export const SUPERVISE_KINDS = ["egress", "git", "ask"] as const satisfies readonly SuperviseKind[];

/**
 * `supervise:` — whether the bottle's agents get the supervise MCP server, and its limits.
 * `notify` is a command (argv, no shell) run on each new request with the request as JSON
 * on stdin; the operator's `BOT_BOTTLE_NOTIFY` (run by `sh -c`) is used when it is absent.
 */
export const supervise = strict({
  enabled: z.boolean(),
  wait_seconds: z.number().int().min(1).max(600).optional(),
  kinds: z.array(z.enum(SUPERVISE_KINDS)).min(1).optional(),
  max_pending: z.number().int().min(1).max(1000).optional(),
  per_hour: z.number().int().min(1).max(10_000).optional(),
  notify: z.array(text).min(1).optional(),
});
