/**
 * The request body on its way upstream, relayed concurrently with reading the response
 * (so an early answer from the upstream gets through). Checked bodies (DLP, placeholders)
 * are forwarded only as far as the checks clear them; a block closes the upstream
 * connection, which ends the exchange.
 */

import { type BufferedReader, type ByteStream, closeQuietly } from "../conn_io.ts";
import {
  BodyDelimiter,
  BodyReader,
  chunkFrame,
  type Framing,
  headerList,
  LAST_CHUNK,
  relayBody,
  type RequestHead,
} from "../http/mod.ts";
import type { ProxyConfig } from "./context.ts";
import { type Block, BodyCheck, type SplitCheck } from "../inspect/mod.ts";
import type { Needle } from "../secrets/mod.ts";
import type { Upstream } from "./origin.ts";
import type { RoutePlan } from "./route_plan.ts";

/** What the request side of an exchange found, read by the response side. */
export interface RequestState {
  /** The final response head has gone to the client (interim 1xx ones do not count). */
  responded: boolean;
  /** The whole body went upstream. */
  done: boolean;
  error: Error | null;
  blocked: Block | null;
  check: BodyCheck | null;
}

export function newRequestState(framing: Framing): RequestState {
  return {
    responded: false,
    done: framing.kind === "none",
    error: null,
    blocked: null,
    check: null,
  };
}

export function startRequestBody(
  input: {
    client: BufferedReader;
    head: RequestHead;
    host: string;
    framing: Framing;
    plan: RoutePlan;
    config: ProxyConfig;
    /** The request's fragment watch (inspect/split_watch.ts), if any. */
    split: SplitCheck | null;
  },
  upstream: Upstream,
  state: RequestState,
  onBytes: (n: number) => void,
): void {
  const { client, head, host, framing, plan, config } = input;
  let relaying: Promise<void>;
  if (!plan.checkBody) {
    relaying = relayBody(client, upstream.stream, new BodyDelimiter(framing), onBytes);
  } else {
    const contentType = headerList(head.headers, "content-type")[0] ?? null;
    const encoding = headerList(head.headers, "content-encoding").join(", ") || null;
    const check = new BodyCheck({
      scan: config.dlp?.scanBody(host, contentType, encoding) ?? null,
      placeholders: bodyPlaceholders(plan, config),
      host,
      bottle: config.policy.bottle,
      conversation: plan.conversation,
      split: input.split?.body() ?? null,
    });
    state.check = check;
    const body = new BodyReader(client, new BodyDelimiter(framing));
    relaying = relayCheckedBody(body, framing.kind === "chunked", upstream.stream, check, onBytes)
      .then((outcome) => {
        if (outcome.kind === "blocked") {
          state.blocked = outcome.block;
          throw new Error("request body blocked");
        }
      });
  }
  relaying.then(
    () => state.done = true,
    (error: Error) => {
      if (state.blocked === null) state.error = error;
      closeQuietly(upstream.stream);
    },
  );
}

/**
 * The placeholders a request body may not carry. A request on a credentialed route (a model
 * API) may: its body is the agent's conversation, which quotes tool output such as `env`, and
 * refusing it would stop the agent for good; a placeholder is not a secret, and it goes to
 * the party that gets the real credential anyway. Elsewhere a placeholder in a body is
 * refused with the reason, since it cannot work there.
 */
function bodyPlaceholders(plan: RoutePlan, config: ProxyConfig): readonly Needle[] {
  return plan.conversation ? [] : config.secrets.placeholderNeedles;
}

export type BodyOutcome = { kind: "sent" } | { kind: "blocked"; block: Block };

/**
 * Forwards a request body once `check` clears each byte. Content-Length bodies keep their
 * length; chunked bodies are re-chunked (trailers are dropped). Stops at the first block.
 */
export async function relayCheckedBody(
  body: BodyReader,
  chunked: boolean,
  to: ByteStream,
  check: BodyCheck,
  onBytes: (n: number) => void,
): Promise<BodyOutcome> {
  const held = new Held();
  let pushed = 0;
  const send = async (bytes: Uint8Array): Promise<void> => {
    if (bytes.length === 0) return;
    const wire = chunked ? chunkFrame(bytes) : bytes;
    await to.write(wire);
    onBytes(wire.length);
  };
  for (let piece = await body.next(); piece !== null; piece = await body.next()) {
    held.push(piece);
    pushed += piece.length;
    const block = check.push(piece);
    if (block !== null) return { kind: "blocked", block };
    const cleared = Math.min(check.safeBytes, pushed) - (pushed - held.length);
    if (cleared > 0) await send(held.take(cleared));
  }
  const block = check.end();
  if (block !== null) return { kind: "blocked", block };
  await send(held.take(held.length));
  if (chunked) {
    await to.write(LAST_CHUNK);
    onBytes(LAST_CHUNK.length);
  }
  return { kind: "sent" };
}

/** Bytes received but not yet cleared to go. */
class Held {
  private pieces: Uint8Array[] = [];
  private size = 0;

  push(piece: Uint8Array): void {
    this.pieces.push(piece);
    this.size += piece.length;
  }

  get length(): number {
    return this.size;
  }

  /** Removes and returns the first `n` bytes. */
  take(n: number): Uint8Array {
    const out = new Uint8Array(Math.min(n, this.size));
    let filled = 0;
    while (filled < out.length) {
      const piece = this.pieces[0];
      const want = out.length - filled;
      if (piece.length <= want) {
        out.set(piece, filled);
        filled += piece.length;
        this.pieces.shift();
      } else {
        out.set(piece.subarray(0, want), filled);
        this.pieces[0] = piece.subarray(want);
        filled += want;
      }
    }
    this.size -= out.length;
    return out;
  }
}
