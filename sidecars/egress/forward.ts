/**
 * Plain-HTTP forwarding (`GET http://host/path`): the absolute-form request is rewritten
 * to origin-form with hop-by-hop and `Proxy-*` headers dropped, then relayed. Client
 * connections are kept alive when framing allows; the upstream connection is reused for
 * the next request to the same host and port.
 */

import { redactPath } from "./audit.ts";
import { AuditRecorder, type ProxyContext } from "./context.ts";
import { BufferedReader, closeQuietly, readHead, relayBody, writeAll } from "./conn_io.ts";
import { decide, type Decision } from "./decide.ts";
import {
  BodyScanner,
  type Framing,
  FramingError,
  requestFraming,
  responseFraming,
} from "./http_body.ts";
import {
  type AbsoluteTarget,
  connectionHas,
  formatAuthority,
  parseAbsoluteTarget,
  type RequestHead,
  type ResponseHead,
  responseHeadParser,
  serializeRequestHead,
  serializeResponseHead,
  stripHopByHop,
} from "./http_head.ts";
import { proxyErrorResponse } from "./responses.ts";
import { connectUpstream, resolveUpstream } from "./upstream.ts";

interface Upstream {
  key: string;
  conn: Deno.TcpConn;
  reader: BufferedReader;
  testResolve: boolean;
  /** Carried a previous exchange: it may have been closed by the server meanwhile. */
  reused: boolean;
}

type Outcome =
  | { kind: "done"; keepClient: boolean }
  /** The reused upstream connection closed before answering: retry on a fresh one. */
  | { kind: "stale" };

class ExchangeError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export class Forwarder {
  private upstream: Upstream | null = null;

  constructor(private readonly ctx: ProxyContext, private readonly client: BufferedReader) {}

  close(): void {
    if (this.upstream !== null) closeQuietly(this.upstream.conn);
    this.upstream = null;
  }

  /** Handles one request; true when the client connection may carry another one. */
  async exchange(head: RequestHead): Promise<boolean> {
    const policy = this.ctx.policy();
    const target = parseAbsoluteTarget(head.target);
    if (target === null || target.scheme !== "http") {
      await this.reply(400, `${head.method} ${head.target.slice(0, 300)}`, badTargetReason(head));
      return false;
    }
    const what = `${head.method} http://${formatAuthority(target.host, target.port, 80)}` +
      redactPath(target.path);
    const audit = new AuditRecorder(this.ctx.audit, {
      bottle: policy.bottle,
      method: head.method,
      host: target.host,
      port: target.port,
      path: target.path,
    });
    const framing = requestFraming(head);
    if (!framing.ok) {
      await this.reply(400, what, framing.message);
      return false;
    }
    const decision = decide(policy, target.host, target.port);
    if (decision.verdict === "deny") {
      audit.decision(decision, 403);
      await this.reply(403, what, decision.reason);
      return false;
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      const outcome = await this.attempt(head, target, framing.framing, decision, audit, what);
      if (outcome.kind === "done") return outcome.keepClient;
      this.close();
    }
    return false;
  }

  private async attempt(
    head: RequestHead,
    target: AbsoluteTarget,
    framing: Framing,
    decision: Decision,
    audit: AuditRecorder,
    what: string,
  ): Promise<Outcome> {
    let upstream: Upstream;
    try {
      upstream = await this.connect(target, decision);
    } catch (error) {
      const status = error instanceof ExchangeError ? error.status : 502;
      const reason = (error as Error).message;
      audit.decision({ ...decision, verdict: status === 403 ? "deny" : "allow", reason }, status);
      await this.reply(status, what, reason);
      return { kind: "done", keepClient: false };
    }
    const bytes = { up: 0, down: 0 };
    const request: { done: boolean; error: Error | null } = {
      done: framing.kind === "none",
      error: null,
    };
    let status = 502;
    try {
      const outgoing = serializeRequestHead({
        method: head.method,
        target: target.path,
        version: head.version,
        headers: [
          { name: "Host", value: formatAuthority(target.host, target.port, 80) },
          ...stripHopByHop(head.headers).filter((h) => h.name.toLowerCase() !== "host"),
        ],
      });
      try {
        await writeAll(upstream.conn, outgoing);
      } catch (error) {
        if (upstream.reused && framing.kind === "none") return { kind: "stale" };
        throw error;
      }
      bytes.up += outgoing.length;
      const scanner = new BodyScanner(framing);
      relayBody(this.client, upstream.conn, scanner, (n) => bytes.up += n).then(
        () => request.done = true,
        (error: Error) => {
          request.error = error;
          closeQuietly(upstream.conn);
        },
      );

      const response = await this.readFinalResponse(upstream, head, bytes);
      if (response === "stale") {
        if (upstream.reused && framing.kind === "none") return { kind: "stale" };
        throw new ExchangeError(502, "upstream closed the connection without answering");
      }
      const responseFramingResult = responseFraming(response, head.method);
      if (!responseFramingResult.ok) throw new ExchangeError(502, responseFramingResult.message);
      const bodyFraming = responseFramingResult.framing;
      const keepClient = head.version === "HTTP/1.1" && !connectionHas(head.headers, "close") &&
        bodyFraming.kind !== "close";
      const outgoingHead = serializeResponseHead({
        version: "HTTP/1.1",
        status: response.status,
        reason: response.reason,
        headers: [
          ...stripHopByHop(response.headers),
          { name: "Connection", value: keepClient ? "keep-alive" : "close" },
        ],
      });
      await writeAll(this.client.conn, outgoingHead);
      bytes.down += outgoingHead.length;
      status = response.status;
      await relayBody(
        upstream.reader,
        this.client.conn,
        new BodyScanner(bodyFraming),
        (n) => bytes.down += n,
      );
      audit.decision(decision, status, bytes, upstream.testResolve);
      const keepUpstream = bodyFraming.kind !== "close" && response.version === "HTTP/1.1" &&
        !connectionHas(response.headers, "close");
      if (!request.done || !keepUpstream) this.close();
      else upstream.reused = true;
      return { kind: "done", keepClient: keepClient && request.done };
    } catch (error) {
      this.close();
      const badBody = request.error instanceof FramingError;
      if (badBody && bytes.down === 0) status = 400;
      const reason = badBody
        ? `malformed request body: ${request.error?.message}`
        : `upstream exchange failed: ${(error as Error).message}`;
      audit.decision({ ...decision, reason }, status, bytes, upstream.testResolve);
      if (bytes.down === 0) await this.reply(status, what, reason);
      return { kind: "done", keepClient: false };
    }
  }

  /** Relays 1xx interim responses; returns the final response head, or "stale". */
  private async readFinalResponse(
    upstream: Upstream,
    request: RequestHead,
    bytes: { up: number; down: number },
  ): Promise<ResponseHead | "stale"> {
    for (let interim = 0; interim < 16; interim++) {
      const result = await readHead(upstream.reader, responseHeadParser());
      if (result.state === "closed") return bytes.down === 0 ? "stale" : closedEarly();
      if (result.state === "error") throw new ExchangeError(502, `bad response: ${result.message}`);
      const response = result.head;
      if (response.status === 101) {
        throw new ExchangeError(502, "protocol upgrades over plain HTTP are not supported");
      }
      if (response.status >= 200 || request.version === "HTTP/1.0") {
        if (response.status < 200) continue;
        return response;
      }
      const interimHead = serializeResponseHead({
        ...response,
        version: "HTTP/1.1",
        headers: stripHopByHop(response.headers),
      });
      await writeAll(this.client.conn, interimHead);
      bytes.down += interimHead.length;
    }
    throw new ExchangeError(502, "too many interim (1xx) responses");
  }

  private async connect(target: AbsoluteTarget, decision: Decision): Promise<Upstream> {
    const key = `${target.host}:${target.port}`;
    if (this.upstream !== null && this.upstream.key === key) return this.upstream;
    this.close();
    const resolution = await resolveUpstream(
      target.host,
      decision,
      this.ctx.testResolve,
      this.ctx.lookup,
    );
    if (!resolution.ok) throw new ExchangeError(resolution.status, resolution.reason);
    const conn = await connectUpstream(
      resolution.addresses,
      target.port,
      this.ctx.timeouts.connectMs,
    );
    this.upstream = {
      key,
      conn,
      reader: new BufferedReader(conn),
      testResolve: resolution.testResolve,
      reused: false,
    };
    return this.upstream;
  }

  private async reply(status: number, what: string, reason: string): Promise<void> {
    await writeAll(this.client.conn, proxyErrorResponse(status, what, reason)).catch(() => {});
  }
}

function closedEarly(): never {
  throw new ExchangeError(502, "upstream closed the connection mid-response");
}

function badTargetReason(head: RequestHead): string {
  if (/^https:\/\//i.test(head.target)) {
    return "https:// URLs must be requested through CONNECT (set HTTPS_PROXY, not HTTP_PROXY)";
  }
  if (head.target.startsWith("/")) {
    return "this is a forward proxy: send the absolute URL (GET http://host/path) or use CONNECT";
  }
  return "malformed request target";
}
