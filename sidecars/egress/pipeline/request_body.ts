/**
 * The request body on its way upstream, relayed concurrently with reading the response
 * (so an early answer from the upstream gets through). Checked bodies (DLP, placeholders)
 * are forwarded only as far as the checks clear them; a block closes the upstream
 * connection, which ends the exchange.
 */

import { relayCheckedBody } from "./body_relay.ts";
import { BodyReader, type BufferedReader, closeQuietly, relayBody } from "../conn_io.ts";
import type { ProxyConfig } from "./context.ts";
import { BodyScanner, type Framing } from "../http/body.ts";
import { headerList, type RequestHead } from "../http/head.ts";
import { type Block, BodyCheck } from "../inspect/checks.ts";
import type { Needle } from "../secrets/needles.ts";
import type { Upstream } from "./origin.ts";
import type { Plan } from "./route_plan.ts";
import type { SplitCheck } from "../inspect/split_watch.ts";

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
    plan: Plan;
    config: ProxyConfig;
    /** The request's fragment watch (split_watch.ts), if any. */
    split: SplitCheck | null;
  },
  upstream: Upstream,
  state: RequestState,
  onBytes: (n: number) => void,
): void {
  const { client, head, host, framing, plan, config } = input;
  let relaying: Promise<void>;
  if (!plan.checkBody) {
    relaying = relayBody(client, upstream.stream, new BodyScanner(framing), onBytes);
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
    const body = new BodyReader(client, new BodyScanner(framing));
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
function bodyPlaceholders(plan: Plan, config: ProxyConfig): readonly Needle[] {
  return plan.conversation ? [] : config.secrets.placeholderNeedles;
}
