/**
 * One request's exchange, the same for plain HTTP (`GET http://host/path`) and for requests
 * read from an intercepted TLS tunnel: decide, plan (route, placeholders, DLP on URL and
 * headers, injection), relay the body through the checks, relay the response (redacted when
 * the bottle has secrets). Client connections are kept alive when framing allows; the upstream
 * connection is reused for the next request to the same origin.
 */

import { type AuditExtras, AuditRecorder, redactPath } from "../audit/mod.ts";
import { CoalescingWriter } from "./coalesce.ts";
import { type BufferedReader, closeQuietly } from "../conn_io.ts";
import type { ProxyConfig, ProxyContext } from "./context.ts";
import { decide, type Decision } from "../policy/mod.ts";
import type { DlpFinding } from "../dlp/mod.ts";
import {
  connectionHas,
  formatAuthority,
  type Framing,
  FramingError,
  proxyErrorResponse,
  requestFraming,
  type RequestHead,
  responseFraming,
  serializeRequestHead,
} from "../http/mod.ts";
import { type Block, type SplitCheck, SplitWatch } from "../inspect/mod.ts";
import { dialOrigin, ExchangeError, type Upstream, upstreamKey } from "./origin.ts";
import { newRequestState, startRequestBody } from "./request_body.ts";
import { planRequest, type RoutePlan } from "./route_plan.ts";
import { plainChunked, type RequestSource, requestTarget, type Target } from "./target.ts";
import { type Bytes, readFinalResponse, relayResponse } from "./response.ts";

type Outcome =
  | { kind: "done"; keepClient: boolean }
  /** The reused upstream connection closed before answering: retry on a fresh one. */
  | { kind: "stale" };

/** One allowed, planned request. */
interface Exchange {
  head: RequestHead;
  target: Target;
  framing: Framing;
  decision: Decision;
  plan: RoutePlan;
  config: ProxyConfig;
  /** Pieces of the bottle's secrets across requests: the body's watch (null: not watched). */
  split: SplitCheck | null;
  audit: AuditRecorder;
  /** Names the request in error pages (`GET https://host/path`). */
  what: string;
  /** The same without the path, for block pages: the path may be what was blocked. */
  origin: string;
}

export class Forwarder {
  private upstream: Upstream | null = null;
  /** Everything written to the client goes through here. */
  private readonly out: CoalescingWriter;
  /** Pieces of the bottle's secrets sent on this connection (and in the bottle). */
  private readonly splits = new SplitWatch();

  constructor(
    private readonly ctx: ProxyContext,
    private readonly client: BufferedReader,
    private readonly source: RequestSource,
  ) {
    this.out = new CoalescingWriter(client.stream);
  }

  close(): void {
    if (this.upstream !== null) closeQuietly(this.upstream.stream);
    this.upstream = null;
  }

  /** Handles one request; true when the client connection may carry another one. */
  async exchange(head: RequestHead): Promise<boolean> {
    try {
      return await this.exchangeNow(head);
    } finally {
      await this.out.flush().catch(() => {});
    }
  }

  private async exchangeNow(head: RequestHead): Promise<boolean> {
    const config = this.ctx.config();
    const { policy } = config;
    const intercepted = this.source.kind === "intercepted";
    const parsed = requestTarget(this.source, head);
    if (!parsed.ok) {
      if (this.source.kind === "intercepted") {
        new AuditRecorder(this.ctx.audit, {
          bottle: policy.bottle,
          method: head.method.slice(0, 32),
          host: this.source.host,
          port: this.source.port,
          path: head.target.slice(0, 300),
          intercepted,
        }).decision({ verdict: "deny", rule: parsed.rule, reason: parsed.reason }, parsed.status);
      }
      await this.reply(parsed.status, `${head.method} ${head.target.slice(0, 300)}`, parsed.reason);
      return false;
    }
    const target = parsed.target;
    const scheme = intercepted ? "https" : "http";
    const authority = formatAuthority(target.host, target.port, intercepted ? 443 : 80);
    const origin = `${head.method} ${scheme}://${authority}`;
    const what = origin + redactPath(target.path);
    const audit = new AuditRecorder(this.ctx.audit, {
      bottle: policy.bottle,
      method: head.method,
      host: target.host,
      port: target.port,
      path: target.path,
      intercepted,
    });
    const framing = requestFraming(head);
    if (!framing.ok) {
      await this.reply(400, what, framing.message);
      return false;
    }
    // Decided per request, at its time and with its path: a keep-alive connection opened
    // under a supervise grant is refused on its first request after the grant ends.
    const decision = decide(policy, target.host, target.port, Date.now(), target.path);
    if (decision.verdict === "deny") {
      audit.decision(decision, 403);
      await this.reply(403, what, decision.reason);
      return false;
    }
    const planned = planRequest({
      policy,
      secrets: config.secrets,
      dlp: config.dlp,
      intercepted,
      host: target.host,
      port: target.port,
      path: target.path,
      headers: head.headers,
    });
    if (!planned.ok) return await this.refuse(audit, origin, planned.block);
    if (planned.plan.checkBody && !plainChunked(head, framing.framing)) {
      const reason = "request bodies may use no transfer coding but chunked (it could hide " +
        "content from inspection)";
      audit.decision({ verdict: "deny", rule: null, reason }, 400);
      await this.reply(400, what, reason);
      return false;
    }
    const split = config.dlp !== null ? this.splits.request(config.secrets) : null;
    const splitBlock = split?.head(target.path, planned.plan.agentHeaders) ?? null;
    if (splitBlock !== null) return await this.refuse(audit, origin, splitBlock);
    const exchange: Exchange = {
      head,
      target,
      framing: framing.framing,
      decision,
      plan: planned.plan,
      config,
      split,
      audit,
      what,
      origin,
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      const outcome = await this.attempt(exchange);
      if (outcome.kind === "done") return outcome.keepClient;
      this.close();
    }
    return false;
  }

  private async attempt(exchange: Exchange): Promise<Outcome> {
    const { head, target, framing, decision, plan, config, split, audit, what } = exchange;
    const extras: AuditExtras & { warnings: DlpFinding[] } = {
      nameOverride: false,
      injected: plan.secret?.id ?? null,
      warnings: [...plan.warnings],
    };
    let upstream: Upstream;
    try {
      upstream = await this.connect(plan, decision);
    } catch (error) {
      const status = error instanceof ExchangeError ? error.status : 502;
      const reason = (error as Error).message;
      const verdict = status === 403 ? "deny" : "allow";
      audit.decision({ ...decision, verdict, reason }, status, undefined, extras);
      await this.reply(status, what, reason);
      return { kind: "done", keepClient: false };
    }
    extras.nameOverride = upstream.nameOverride;
    const bytes: Bytes = { up: 0, down: 0 };
    const state = newRequestState(framing);
    let status = 502;
    try {
      const outgoing = serializeRequestHead({
        method: head.method,
        target: target.path,
        version: head.version,
        headers: plan.headers,
      });
      try {
        await upstream.stream.write(outgoing);
      } catch (error) {
        if (upstream.reused && framing.kind === "none") return { kind: "stale" };
        throw error;
      }
      bytes.up += outgoing.length;
      if (framing.kind !== "none") {
        startRequestBody(
          { client: this.client, head, host: target.host, framing, plan, config, split },
          upstream,
          state,
          (n) => bytes.up += n,
        );
      }
      const needles = plan.redact ? config.secrets.valueNeedles : null;
      const response = await readFinalResponse(upstream.reader, head, this.out, needles, bytes);
      if (response === "stale") {
        if (upstream.reused && framing.kind === "none") return { kind: "stale" };
        throw new ExchangeError(502, "upstream closed the connection without answering");
      }
      const responseFramingResult = responseFraming(response, head.method);
      if (!responseFramingResult.ok) throw new ExchangeError(502, responseFramingResult.message);
      const bodyFraming = responseFramingResult.framing;
      const clientKeepable = head.version === "HTTP/1.1" &&
        !connectionHas(head.headers, "close");
      const keepClient = clientKeepable && (plan.redact || bodyFraming.kind !== "close");
      status = response.status;
      await relayResponse(
        {
          response,
          framing: bodyFraming,
          keepClient,
          needles,
          upstream: upstream.reader,
          out: this.out,
        },
        bytes,
        () => state.responded = true,
      );
      if (state.blocked !== null) throw new ExchangeError(403, state.blocked.reason);
      extras.warnings.push(...(state.check?.warnings ?? []));
      audit.decision(decision, status, bytes, extras);
      const keepUpstream = bodyFraming.kind !== "close" && response.version === "HTTP/1.1" &&
        !connectionHas(response.headers, "close");
      if (!state.done || !keepUpstream) this.close();
      else upstream.reused = true;
      return { kind: "done", keepClient: keepClient && state.done };
    } catch (error) {
      this.close();
      extras.warnings.push(...(state.check?.warnings ?? []));
      if (state.blocked !== null) {
        const { rule, reason } = state.blocked;
        const answered = state.responded ? status : 403;
        audit.decision({ verdict: "deny", rule, reason }, answered, bytes, {
          ...extras,
          injected: null,
        });
        if (!state.responded) await this.reply(403, exchange.origin, reason);
        return { kind: "done", keepClient: false };
      }
      const badBody = state.error instanceof FramingError;
      if (badBody && !state.responded) status = 400;
      const reason = badBody
        ? `malformed request body: ${state.error?.message}`
        : `upstream exchange failed: ${(error as Error).message}`;
      audit.decision({ ...decision, reason }, status, bytes, extras);
      if (!state.responded) await this.reply(status, what, reason);
      return { kind: "done", keepClient: false };
    }
  }

  private async connect(plan: RoutePlan, decision: Decision): Promise<Upstream> {
    if (this.upstream !== null && this.upstream.key === upstreamKey(plan)) return this.upstream;
    this.close();
    const pinned = this.source.kind === "intercepted" ? this.source.pinned : null;
    this.upstream = await dialOrigin(this.ctx, plan, decision, pinned);
    return this.upstream;
  }

  /** A request refused before anything of it went upstream: audited, and the agent told why. */
  private async refuse(audit: AuditRecorder, origin: string, block: Block): Promise<false> {
    const { rule, reason, where } = block;
    audit.decision({ verdict: "deny", rule, reason }, 403, undefined, {
      hidePath: where === "url",
    });
    await this.reply(403, origin, reason);
    return false;
  }

  private async reply(status: number, what: string, reason: string): Promise<void> {
    await this.out.write(proxyErrorResponse(status, what, reason)).catch(() => {});
  }
}
