/**
 * The DLP corpus through the real proxy (tests and `deno task bench` only): the proxy with
 * the real DLP engine on its Unix socket, recording origins (plain and TLS) behind it, and
 * every corpus case sent over both transports, plain HTTP on the socket and CONNECT + TLS
 * interception, on kept-alive connections (a block closes one; the next case opens another).
 * Then the figures: base recall over formats × carriers, catch rate per evasion family,
 * benign false positives, and leaks: bytes of a blocked secret that reached the origin, the
 * 403 or the audit log. `runDlpCorpus` measures, `renderCorpusReport` prints; neither asserts.
 */
import type { AuditEntry } from "../../audit/mod.ts";
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
import type { InjectedSecret } from "../../secrets/mod.ts";
import { header, type RawClient, type RawResponse, withTimeout } from "../mod.ts";
import { type CaseOutcome, type CorpusReport, summarize } from "./report.ts";
import { Connections, startWorld, type World } from "./world.ts";

export interface CorpusOptions {
  seed?: number;
  /** Cases in flight at once (each on its own connection). */
  concurrency?: number;
  /** Cases not started by then are reported as not run. */
  budgetMs?: number;
  /** Per response. */
  responseTimeoutMs?: number;
}

const DLP_REASON = /\brule "([^"]+)"/;

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
    return await withTimeout(conn.readResponse(request.method), "response", timeoutMs);
  } finally {
    await withTimeout(writing, "request write", timeoutMs).catch(() => {});
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
