/**
 * The DLP corpus through the real proxy (tests and `deno task bench` only): the proxy with
 * the real DLP engine on its Unix socket, recording origins (plain and TLS) behind it, and
 * every corpus case sent over both transports, plain HTTP on the socket and CONNECT + TLS
 * interception, on kept-alive connections (a block closes one; the next case opens another).
 * Then the figures: base recall over formats × carriers, catch rate per evasion family,
 * benign false positives, and leaks: bytes of a blocked secret that reached the origin, the
 * 403 or the audit log. `runDlpCorpus` measures, `renderCorpusReport` prints; neither asserts.
 */
import type { AuditEntry } from "../../audit/log.ts";
import { compilePolicy } from "../../policy/decide.ts";
import { createDlpEngine } from "../../dlp/mod.ts";
import { benignCases, CREDENTIALED_ROUTES } from "../../dlp/testing/corpus/benign.ts";
import { evasionCases } from "../../dlp/testing/corpus/evasions.ts";
import { formatCases } from "../../dlp/testing/corpus/formats.ts";
import {
  expandViews,
  findLeaks,
  type LeakForm,
  leakForms,
  recordedViews,
} from "../../dlp/testing/corpus/leak.ts";
import {
  type CorpusCase,
  requestPieces,
  type Transport,
  TRANSPORTS,
  type WireRequest,
} from "../../dlp/testing/corpus/wire.ts";
import { ALNUM, HEX, Rng } from "../../dlp/testing/random.ts";
import { sample, SAMPLES } from "../../dlp/testing/samples.ts";
import type { PolicyRoute } from "../../policy/wire.ts";
import { type EgressProxy, startProxy } from "../../proxy.ts";
import { compileSecrets } from "../../secrets/table.ts";
import { dnsResolver, withNameOverrides } from "../../upstream/mod.ts";
import type { InjectedSecret } from "../../secrets/wire.ts";
import {
  header,
  type LoopbackServer,
  mintServerCert,
  RawClient,
  type RawResponse,
  serveLoopback,
  testCa,
  testPolicy,
} from "../mod.ts";
import { generateCa } from "../../tls/ca.ts";
import { LeafMinter } from "../../tls/leaf.ts";
import { type Records, startRecordingOrigin } from "./origin.ts";

export interface CorpusOptions {
  seed?: number;
  /** Cases in flight at once (each on its own connection). */
  concurrency?: number;
  /** Cases not started by then are reported as not run. */
  budgetMs?: number;
  /** Per response. */
  responseTimeoutMs?: number;
}

export interface CaseOutcome {
  case: CorpusCase;
  transport: Transport;
  tag: number;
  /** Status of the last response read (null: none came). */
  status: number | null;
  /** Refused by the proxy for its content: a DLP rule or a placeholder out of place. */
  blocked: boolean;
  /** `dlp:<rule>` or `placeholder-leak` when blocked. */
  rule: string | null;
  reason: string;
  error: string | null;
  /** Forms of a blocked secret the origin received. */
  leaks: string[];
  /** Forms of a blocked secret in the 403 the agent got. */
  reasonLeaks: string[];
  /** Forms of a blocked secret in the audit log. */
  auditLeaks: string[];
  /** Requests of this case the origin saw (a blocked one: cut off at the block). */
  originRequests: number;
  /** Body bytes of this case the origin received (a blocked one: before the block). */
  originBytes: number;
  /** A positive that got through: the forms the leak detector saw at the origin. */
  seen: string[];
}

export interface Rate {
  caught: number;
  total: number;
}

export interface CorpusReport {
  outcomes: CaseOutcome[];
  base: Rate & {
    exact: number;
    byCarrier: Record<string, Rate>;
    byTransport: Record<string, Rate>;
  };
  evasions: Rate & { byFamily: Record<string, Rate> };
  benign: { total: number; falsePositives: number; errors: number; byFamily: Record<string, Rate> };
  /** Blocked cases where some form of the secret got out (origin, 403 or audit). */
  leaked: number;
  /**
   * Blocked cases part of which reached the origin before the block: the request head, and
   * body bytes the proxy had cleared (the leak check looks at them).
   */
  cutOff: { heads: number; cases: number; bodyBytes: number };
  /**
   * The detector's own check: positives that got through (the origin answered), and how
   * many of them it saw there. Every one must be seen, or the detector has a blind spot.
   */
  detector: { missed: number; seen: number; blind: string[] };
  unsampled: string[];
  notApplicable: string[];
  notRun: number;
  requests: number;
  ms: number;
}

const DLP_REASON = /\brule "([^"]+)"/;

const percent = (
  r: Rate,
): string => (r.total === 0 ? "n/a" : `${((100 * r.caught) / r.total).toFixed(1)}%`);

function rate(outcomes: CaseOutcome[], caught: (o: CaseOutcome) => boolean): Rate {
  return { caught: outcomes.filter(caught).length, total: outcomes.length };
}

function groupBy(
  outcomes: CaseOutcome[],
  key: (o: CaseOutcome) => string,
  caught: (o: CaseOutcome) => boolean,
): Record<string, Rate> {
  const groups = new Map<string, CaseOutcome[]>();
  for (const o of outcomes) {
    if (!groups.has(key(o))) groups.set(key(o), []);
    groups.get(key(o))!.push(o);
  }
  return Object.fromEntries([...groups].map(([k, list]) => [k, rate(list, caught)]));
}

/** The proxy world: origins, proxy with the real engine, a TCP door for CONNECT. */
interface World {
  socket: string;
  door: LoopbackServer;
  plainPort: number;
  tlsPort: number;
  caPem: string;
  records: Records;
  audit: AuditEntry[];
  requests(): number;
  /** Resolves once the origins hold no connection (every cut-off upload is recorded). */
  settled(ms: number): Promise<void>;
  close(): Promise<void>;
}

async function startWorld(hosts: string[], secrets: InjectedSecret[]): Promise<World> {
  const dir = Deno.makeTempDirSync({ prefix: "egress-corpus-" });
  const socket = `${dir}/egress.sock`;
  const records: Records = new Map();
  const originCa = await generateCa("corpus origin");
  const cert = await mintServerCert(originCa, [...hosts, "127.0.0.1"]);
  const plain = startRecordingOrigin(records, null);
  const tls = startRecordingOrigin(records, cert);
  const ca = await testCa();
  const audit: AuditEntry[] = [];
  const routes: PolicyRoute[] = hosts.map((host) => ({
    host,
    passthrough: false,
    upstream_ca_pem: originCa.certPem,
  }));
  let proxy: EgressProxy;
  try {
    proxy = await startProxy({
      socketPath: socket,
      policy: compilePolicy(testPolicy(hosts, routes)),
      secrets: compileSecrets({ version: 1, bottle: "dev", secrets }, "dev"),
      minter: await LeafMinter.create(ca.certPem, ca.keyPem),
      dlp: createDlpEngine,
      audit: { record: (entry) => audit.push(entry) },
      resolver: withNameOverrides(new Map(hosts.map((h) => [h, "127.0.0.1"])), dnsResolver()),
      log: () => {},
    });
  } catch (error) {
    await plain.close();
    await tls.close();
    Deno.removeSync(dir, { recursive: true });
    throw error;
  }
  const door = startDoor(socket);
  return {
    socket,
    door,
    plainPort: plain.port,
    tlsPort: tls.port,
    caPem: ca.certPem,
    records,
    audit,
    requests: () => plain.count() + tls.count(),
    async settled(ms: number): Promise<void> {
      const deadline = Date.now() + ms;
      while (plain.connections() + tls.connections() > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close(): Promise<void> {
      await door.close();
      await proxy.close();
      await plain.close();
      await tls.close();
      Deno.removeSync(dir, { recursive: true });
    },
  };
}

/**
 * 127.0.0.1:PORT → the proxy's socket, as the in-bottle forwarder. Small writes go out at
 * once (no Nagle): a TLS handshake's flights would otherwise wait on delayed ACKs.
 */
function startDoor(socket: string): LoopbackServer {
  return serveLoopback(async (conn, track) => {
    (conn as Deno.TcpConn).setNoDelay(true);
    const upstream = await Deno.connect({ transport: "unix", path: socket });
    track(upstream);
    await Promise.all([
      conn.readable.pipeTo(upstream.writable).catch(() => {}),
      upstream.readable.pipeTo(conn.writable).catch(() => {}),
    ]);
  });
}

/** CONNECT `authority` through the door, then TLS trusting the bottle CA. */
async function tunnel(door: LoopbackServer, authority: string, caPem: string): Promise<RawClient> {
  const tcp = await Deno.connect({ hostname: "127.0.0.1", port: door.port });
  tcp.setNoDelay(true);
  try {
    const plain = RawClient.over(tcp);
    await plain.send(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
    const response = await plain.readResponse("CONNECT");
    if (response.status !== 200) throw new Error(`CONNECT answered ${response.status}`);
    const tls = await Deno.startTls(tcp, {
      hostname: authority.replace(/:\d+$/, ""),
      caCerts: [caPem],
    });
    await tls.handshake();
    return RawClient.over(tls);
  } catch (error) {
    tcp.close();
    throw error;
  }
}

function timeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Kept-alive connections of one worker, by transport and host (a few at most). */
class Connections {
  private readonly open = new Map<string, RawClient>();

  constructor(private readonly world: World, private readonly timeoutMs: number) {}

  /** A kept-alive connection (`reused`) or a new one. */
  async take(
    transport: Transport,
    host: string,
    fresh = false,
  ): Promise<{ client: RawClient; reused: boolean }> {
    const key = `${transport} ${host}`;
    const kept = this.open.get(key);
    if (kept !== undefined) {
      this.open.delete(key);
      if (!fresh) return { client: kept, reused: true };
      kept.close();
    }
    const client = transport === "http"
      ? await RawClient.connect(this.world.socket)
      : await timeout(
        tunnel(this.world.door, `${host}:${this.world.tlsPort}`, this.world.caPem),
        this.timeoutMs,
        "CONNECT and TLS",
      );
    return { client, reused: false };
  }

  give(transport: Transport, host: string, client: RawClient): void {
    const key = `${transport} ${host}`;
    this.open.get(key)?.close();
    this.open.set(key, client);
    if (this.open.size > 6) {
      const [oldest, conn] = this.open.entries().next().value!;
      conn.close();
      this.open.delete(oldest);
    }
  }

  closeAll(): void {
    for (const client of this.open.values()) client.close();
    this.open.clear();
  }
}

/** Writes one request (while reading: a block may come before the body is all sent). */
async function exchange(
  conn: RawClient,
  request: WireRequest,
  transport: Transport,
  authority: string,
  tag: number,
  timeoutMs: number,
): Promise<RawResponse> {
  const path = `/c${tag}${request.path}`;
  const target = transport === "http" ? `http://${authority}${path}` : path;
  const pieces = requestPieces(request, target, authority);
  const writing = (async (): Promise<void> => {
    for (const piece of pieces) await conn.send(piece);
  })().catch(() => {});
  try {
    return await timeout(conn.readResponse(request.method), timeoutMs, "response");
  } finally {
    await timeout(writing, timeoutMs, "request write").catch(() => {});
  }
}

function blankOutcome(c: CorpusCase, transport: Transport, tag: number): CaseOutcome {
  return {
    case: c,
    transport,
    tag,
    status: null,
    blocked: false,
    rule: null,
    reason: "",
    error: null,
    leaks: [],
    reasonLeaks: [],
    auditLeaks: [],
    originRequests: 0,
    originBytes: 0,
    seen: [],
  };
}

async function runCase(
  world: World,
  connections: Connections,
  c: CorpusCase,
  transport: Transport,
  tag: number,
  timeoutMs: number,
): Promise<CaseOutcome> {
  const outcome = blankOutcome(c, transport, tag);
  const port = transport === "http" ? world.plainPort : world.tlsPort;
  const authority = `${c.host}:${port}`;
  let client: RawClient | null = null;
  try {
    for (const request of c.requests) {
      let response: RawResponse | null = null;
      // A kept-alive connection the proxy has let go answers nothing: once more on a new one.
      for (let attempt = 0; response === null && attempt < 2; attempt++) {
        let reused = false;
        if (client === null) {
          ({ client, reused } = await connections.take(transport, c.host, attempt > 0));
        }
        const conn: RawClient = client;
        try {
          response = await exchange(conn, request, transport, authority, tag, timeoutMs);
        } catch (error) {
          conn.close();
          client = null;
          if (!reused) throw error;
        }
      }
      if (response === null) throw new Error("no response");
      outcome.status = response.status;
      const reason = header(response, "x-bot-bottle-reason") ?? "";
      const keep = response.status === 200 &&
        header(response, "connection")?.toLowerCase() !== "close";
      if (!keep) {
        client?.close();
        client = null;
      }
      if (response.status === 403) {
        const dlp = DLP_REASON.exec(reason);
        outcome.reason = `${reason}\n${response.body}`;
        if (dlp !== null && dlp[1] !== "dlp-unavailable") outcome.rule = `dlp:${dlp[1]}`;
        else if (/placeholder of route/.test(reason)) outcome.rule = "placeholder-leak";
        outcome.blocked = outcome.rule !== null;
        if (!outcome.blocked) outcome.error = `403: ${reason}`;
        break;
      }
      if (response.status !== 200) {
        outcome.error = `${response.status}: ${reason || response.body.slice(0, 200)}`;
        break;
      }
    }
  } catch (error) {
    outcome.error = (error as Error).message;
    client?.close();
    client = null;
  }
  if (client !== null) connections.give(transport, c.host, client);
  return outcome;
}

function formsOf(c: CorpusCase, wholeOnly: boolean): LeakForm[] {
  return c.secrets.filter((s) => s !== "").flatMap((s) => leakForms(s, c.forms ?? [], wholeOnly));
}

/** Looks for every form of the case's secrets where a blocked case must not have put them. */
function checkLeaks(
  world: World,
  outcome: CaseOutcome,
  auditByTag: Map<number, AuditEntry[]>,
): void {
  const forms = formsOf(outcome.case, outcome.case.wholeFormsOnly === true);
  if (forms.length === 0) return;
  const records = world.records.get(outcome.tag) ?? [];
  if (records.length > 0) outcome.leaks = findLeaks(recordedViews(records), forms);
  outcome.reasonLeaks = findLeaks(
    expandViews([outcome.reason], { depth: 1, views: 16, chars: 1 << 20 }),
    forms,
  );
  const audit = auditByTag.get(outcome.tag) ?? [];
  if (audit.length > 0) outcome.auditLeaks = findLeaks([JSON.stringify(audit)], forms);
}

function secretsFor(
  r: Rng,
): { secrets: InjectedSecret[]; placeholders: Record<string, string>; bottleSecret: string } {
  const placeholders: Record<string, string> = {};
  const real = (rule: string, fallback: string): string =>
    typeof SAMPLES[rule] === "function" ? sample(rule, r).secret : fallback;
  const values: Record<string, string> = {
    "api.anthropic.com": real("anthropic-api-key", `sk-ant-api03-${r.chars(ALNUM, 93)}AA`),
    "api.openai.com": real("openai-api-key", `sk-proj-${r.chars(ALNUM, 150)}`),
    "api.github.com": real("github-pat", `ghp_${r.chars(ALNUM, 36)}`),
  };
  const secrets: InjectedSecret[] = CREDENTIALED_ROUTES.map(({ host, scheme }) => {
    placeholders[host] = `bb_placeholder_${r.chars(HEX, 32)}`;
    return { host, scheme, value: values[host], placeholder: placeholders[host] };
  });
  // The operator's own opaque secret, on a route of its own: no rule knows its shape.
  const bottleSecret = `opq-${r.chars(ALNUM, 36)}`;
  secrets.push({
    host: "vault.internal.example",
    scheme: "header",
    header: "X-Vault-Token",
    value: bottleSecret,
    placeholder: `bb_placeholder_${r.chars(HEX, 32)}`,
  });
  return { secrets, placeholders, bottleSecret };
}

export async function runDlpCorpus(options: CorpusOptions = {}): Promise<CorpusReport> {
  const started = performance.now();
  const r = new Rng(options.seed ?? 20250601);
  const { secrets, placeholders, bottleSecret } = secretsFor(r);
  const formats = formatCases(r);
  const cases = [
    ...formats.cases,
    ...evasionCases(r, { bottleSecret, placeholders }),
    ...benignCases(r, { placeholders }),
  ];
  const hosts = [...new Set([...cases.map((c) => c.host), ...secrets.map((s) => s.host)])].sort();
  const world = await startWorld(hosts, secrets);
  const tasks: Array<{ c: CorpusCase; transport: Transport; tag: number }> = [];
  for (const c of cases) {
    for (const transport of c.transports ?? TRANSPORTS) {
      tasks.push({ c, transport, tag: tasks.length });
    }
  }
  const outcomes: CaseOutcome[] = new Array(tasks.length);
  const deadline = Date.now() + (options.budgetMs ?? 40_000);
  const timeoutMs = options.responseTimeoutMs ?? 5_000;
  let next = 0;
  let notRun = 0;
  const worker = async (): Promise<void> => {
    const connections = new Connections(world, timeoutMs);
    try {
      while (next < tasks.length) {
        const { c, transport, tag } = tasks[next++];
        if (Date.now() > deadline) {
          notRun++;
          outcomes[tag] = { ...blankOutcome(c, transport, tag), error: "not run: out of time" };
          continue;
        }
        outcomes[tag] = await runCase(world, connections, c, transport, tag, timeoutMs);
      }
    } finally {
      connections.closeAll();
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
    // A cut-off upload is recorded when the proxy closes its origin connection; kept-alive
    // ones close with the clients (closed by now).
    await world.settled(2_000);
    const auditByTag = new Map<number, AuditEntry[]>();
    for (const entry of world.audit) {
      const tag = Number(/^\/c(\d+)\//.exec(entry.path ?? "")?.[1] ?? NaN);
      if (Number.isNaN(tag)) continue;
      if (!auditByTag.has(tag)) auditByTag.set(tag, []);
      auditByTag.get(tag)!.push(entry);
    }
    for (const outcome of outcomes) {
      const records = world.records.get(outcome.tag) ?? [];
      outcome.originRequests = records.length;
      outcome.originBytes = records.reduce((n, r) => n + r.body.length, 0);
      if (outcome.blocked) checkLeaks(world, outcome, auditByTag);
      else if (outcome.case.group !== "benign" && outcome.status === 200) {
        // Got through: the detector must see it (halves too: a split secret crossed in parts).
        outcome.seen = findLeaks(recordedViews(records), formsOf(outcome.case, false));
      }
    }
  } finally {
    await world.close();
  }
  return summarize(
    outcomes,
    formats.unsampled,
    formats.notApplicable,
    notRun,
    world.requests(),
    started,
  );
}

function summarize(
  outcomes: CaseOutcome[],
  unsampled: string[],
  notApplicable: string[],
  notRun: number,
  requests: number,
  started: number,
): CorpusReport {
  const of = (group: string): CaseOutcome[] => outcomes.filter((o) => o.case.group === group);
  const caught = (o: CaseOutcome): boolean => o.blocked;
  const base = of("format");
  const evasions = of("evasion");
  const benign = of("benign");
  return {
    outcomes,
    base: {
      ...rate(base, caught),
      exact: base.filter((o) => o.rule === `dlp:${o.case.rule}`).length,
      byCarrier: groupBy(base, (o) => o.case.family, caught),
      byTransport: groupBy(base, (o) => o.transport, caught),
    },
    evasions: {
      ...rate(evasions, caught),
      byFamily: groupBy(evasions, (o) => o.case.family, caught),
    },
    benign: {
      total: benign.length,
      falsePositives: benign.filter(caught).length,
      errors: benign.filter((o) => !o.blocked && o.error !== null).length,
      byFamily: groupBy(benign, (o) => o.case.family, (o) => o.blocked),
    },
    leaked: outcomes.filter((o) => o.leaks.length + o.reasonLeaks.length + o.auditLeaks.length > 0)
      .length,
    cutOff: {
      heads: outcomes.filter((o) => o.blocked && o.originRequests > 0).length,
      cases: outcomes.filter((o) => o.blocked && o.originBytes > 0).length,
      bodyBytes: outcomes.filter((o) => o.blocked).reduce((n, o) => n + o.originBytes, 0),
    },
    detector: (() => {
      const through = outcomes.filter((o) =>
        o.case.group !== "benign" && !o.blocked && o.status === 200
      );
      const blind = through.filter((o) => o.seen.length === 0).map((o) =>
        `${o.case.name} [${o.transport}]`
      );
      return { missed: through.length, seen: through.length - blind.length, blind };
    })(),
    unsampled,
    notApplicable,
    notRun,
    requests,
    ms: performance.now() - started,
  };
}

function describe(o: CaseOutcome): string {
  const what = o.blocked ? `blocked by ${o.rule}` : o.error ?? `answered ${o.status}`;
  return `${o.case.name} [${o.transport}]: ${what}`;
}

/** The one-line summary the issue asks for. */
export function corpusSummary(report: CorpusReport): string {
  const families = Object.entries(report.evasions.byFamily)
    .map(([family, r]) => `${family} ${r.caught}/${r.total}`).join(", ");
  return `corpus: base recall ${
    percent(report.base)
  } (${report.base.caught}/${report.base.total}), ` +
    `evasions ${
      percent(report.evasions)
    } (${report.evasions.caught}/${report.evasions.total}) [${families}], ` +
    `benign false positives ${report.benign.falsePositives}/${report.benign.total}, leaked ${report.leaked}`;
}

/** The summary line, then per carrier and per family, and what missed or leaked (bounded). */
export function renderCorpusReport(report: CorpusReport, maxListed = 40): string {
  const lines = [corpusSummary(report)];
  const { base } = report;
  lines.push(
    `  ${report.outcomes.length} cases, ${report.requests} requests at the origin, ` +
      `${(report.ms / 1000).toFixed(1)} s` +
      (report.notRun > 0 ? `, ${report.notRun} NOT RUN (out of time)` : ""),
    `  base: ${base.exact}/${base.total} blocked under the format's own rule; by transport ` +
      Object.entries(base.byTransport).map(([t, r]) => `${t} ${r.caught}/${r.total}`).join(", "),
    `  leak check: ${report.cutOff.heads} blocked cases reached the origin cut off, ` +
      `${report.cutOff.cases} of them with body bytes (${report.cutOff.bodyBytes} in all); the detector saw ${report.detector.seen}/${report.detector.missed} ` +
      "positives that got through at the origin",
    "  base by carrier: " +
      Object.entries(base.byCarrier).map(([c, r]) => `${c} ${r.caught}/${r.total}`).join(", "),
  );
  if (report.unsampled.length > 0) {
    lines.push(`  rules without a sample (untested): ${report.unsampled.join(", ")}`);
  }
  if (report.notApplicable.length > 0) {
    lines.push(
      `  not applicable (the carrier cannot carry the sample): ${report.notApplicable.length}`,
    );
  }
  const list = (title: string, items: string[]): void => {
    if (items.length === 0) return;
    lines.push(`  ${title} (${items.length}):`);
    for (const item of items.slice(0, maxListed)) lines.push(`    ${item}`);
    if (items.length > maxListed) lines.push(`    … ${items.length - maxListed} more`);
  };
  const outcomes = report.outcomes.filter((o) => o !== undefined);
  list(
    "base misses",
    outcomes.filter((o) => o.case.group === "format" && !o.blocked).map(describe),
  );
  list(
    "base blocked under another rule",
    outcomes.filter((o) =>
      o.case.group === "format" && o.blocked && o.rule !== `dlp:${o.case.rule}`
    )
      .map((o) => `${o.case.name} [${o.transport}]: ${o.rule}`),
  );
  list(
    "evasion misses",
    outcomes.filter((o) => o.case.group === "evasion" && !o.blocked).map((o) =>
      `${o.case.family}: ${describe(o)}`
    ),
  );
  list(
    "benign false positives and errors",
    outcomes.filter((o) => o.case.group === "benign" && (o.blocked || o.error !== null))
      .map((o) => `${o.case.family}: ${describe(o)}`),
  );
  list("detector blind spots (a positive got through unseen)", report.detector.blind);
  list(
    "leaks",
    outcomes.filter((o) => o.leaks.length + o.reasonLeaks.length + o.auditLeaks.length > 0).map((
      o,
    ) =>
      `${o.case.name} [${o.transport}]: origin got ${o.leaks.join(", ") || "nothing"}; ` +
      `403 holds ${o.reasonLeaks.join(", ") || "nothing"}; audit holds ${
        o.auditLeaks.join(", ") || "nothing"
      }`
    ),
  );
  return lines.join("\n");
}
