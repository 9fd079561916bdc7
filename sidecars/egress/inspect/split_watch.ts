/**
 * The fragment watch (fragments.ts) in the request pipeline: one SplitWatch per client
 * connection; each request's URL and header values (as sent and percent-decoded) are checked
 * before its head is forwarded, and its body as it streams, holding back only the last
 * window's length, so no byte of a refused piece leaves (once one is found nothing more of
 * the body goes, and the refusal comes at its end). Only while DLP is on.
 */

import { latin1Bytes } from "../../../lib/bytes.ts";
import type { DlpWhere } from "../dlp/mod.ts";
import { FragmentIndex, type GramHit } from "./fragment_index.ts";
import {
  BOTTLE_WINDOW_MS,
  FragmentMemory,
  type Scope,
  type SplitFinding,
  SplitRequest,
} from "./fragments.ts";
import type { HeaderField } from "../http/mod.ts";
import type { Block } from "./block.ts";
import type { SecretTable } from "../secrets/mod.ts";

export const SPLIT_RULE_PREFIX = "bottle-secret-split:";

/** The bottle's memory: one per secrets table (a reload with new secrets starts afresh). */
const bottleMemories = new WeakMap<SecretTable, FragmentMemory>();

function bottleMemory(table: SecretTable, index: FragmentIndex): FragmentMemory {
  let memory = bottleMemories.get(table);
  if (memory === undefined) {
    memory = new FragmentMemory(index, BOTTLE_WINDOW_MS);
    bottleMemories.set(table, memory);
  }
  return memory;
}

/** One client connection's watch. */
export class SplitWatch {
  private connection: FragmentMemory | null = null;

  constructor(private readonly clock: () => number = Date.now) {}

  /** The watch for one request; null when the bottle has no secret to watch. */
  request(table: SecretTable): SplitCheck | null {
    const index = FragmentIndex.of(table);
    if (index.empty) return null;
    if (this.connection?.index !== index) this.connection = new FragmentMemory(index, null);
    const scopes: Scope[] = [
      { memory: this.connection, label: "earlier on this connection" },
      { memory: bottleMemory(table, index), label: "in this bottle within the last hour" },
    ];
    return new SplitCheck(index, new SplitRequest(index, scopes, this.clock()));
  }
}

const BODY_VIEW = 0;

/** One request's head and body. */
export class SplitCheck {
  private views = BODY_VIEW;

  constructor(private readonly index: FragmentIndex, private readonly request: SplitRequest) {}

  /** URL and headers (the agent's, not the injected credential); commits them if they pass. */
  head(path: string, headers: readonly HeaderField[]): Block | null {
    const parts: [string, DlpWhere][] = [
      [path, "url"],
      ...headers.map((h): [string, DlpWhere] => [h.value, "header"]),
    ];
    const texts = parts.flatMap(([text, where]): [string, DlpWhere][] =>
      text.includes("%") ? [[text, where], [percentDecoded(text), where]] : [[text, where]]
    );
    for (const [text, where] of texts) {
      const finding = this.scan(latin1Bytes(text), 0, 0, ++this.views);
      if (finding !== null) return splitBlock(finding, where);
    }
    this.request.commit();
    return null;
  }

  /** The body as it streams. */
  body(): SplitBody {
    return new SplitBody(
      this.index.maxGram,
      (bytes, fresh, base) => this.scan(bytes, fresh, base, BODY_VIEW),
      () => this.request.commit(),
    );
  }

  private scan(bytes: Uint8Array, fresh: number, base: number, view: number): SplitFinding | null {
    let first: SplitFinding | null = null;
    this.index.scan(bytes, fresh, (hit: GramHit) => {
      if (first === null) first = this.request.hit(view, { ...hit, at: hit.at + base });
    });
    return first;
  }
}

type Scan = (bytes: Uint8Array, fresh: number, base: number) => SplitFinding | null;

/**
 * A body's bytes in order; `safeBytes` of them may go. A piece found is refused at the end of
 * the body, with nothing more let through meanwhile, so that when the body also holds a whole
 * secret the DLP engine's finding (`bottle-secret:…`) names it instead.
 */
export class SplitBody {
  private tail = new Uint8Array(0);
  private pushed = 0;
  private ended = false;
  private deferred: { block: Block; safe: number } | null = null;

  constructor(
    private readonly window: number,
    private readonly scanBytes: Scan,
    private readonly commit: () => void,
  ) {}

  get safeBytes(): number {
    if (this.deferred !== null) return this.deferred.safe;
    return this.ended ? this.pushed : Math.max(0, this.pushed - (this.window - 1));
  }

  push(chunk: Uint8Array): Block | null {
    if (this.deferred !== null) return null;
    const safe = this.safeBytes;
    const bytes = new Uint8Array(this.tail.length + chunk.length);
    bytes.set(this.tail);
    bytes.set(chunk, this.tail.length);
    const base = this.pushed - this.tail.length;
    this.pushed += chunk.length;
    this.tail = bytes.slice(Math.max(0, bytes.length - (this.window - 1)));
    const finding = this.scanBytes(bytes, bytes.length - chunk.length, base);
    if (finding === null) return null;
    this.deferred = { block: splitBlock(finding, "body"), safe };
    return null;
  }

  /** The whole body passed (or the deferred refusal now comes): what it carried counts as sent. */
  end(): Block | null {
    if (this.deferred !== null) return this.deferred.block;
    this.ended = true;
    this.commit();
    return null;
  }
}

/** `%XX` decoded byte by byte (latin1); anything malformed is kept as it is. */
function percentDecoded(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(
      parseInt(hex, 16),
    ));
}

function splitBlock(finding: SplitFinding, where: DlpWhere): Block {
  const place = where === "url"
    ? "the URL"
    : where === "header"
    ? "a request header"
    : "the request body";
  const rule = `${SPLIT_RULE_PREFIX}${finding.secret}`;
  const what = `the bottle's secret for route ${JSON.stringify(finding.secret)}` +
    (finding.form === "raw" ? "" : ` (${finding.form})`);
  const found = finding.kind === "most"
    ? `more than half of ${what} in one piece`
    : `part of ${what}, after another part of it was seen ${finding.scope}`;
  return {
    rule,
    where,
    reason: `rule ${JSON.stringify(rule)} matched ${place}: ${found}; the proxy does not let ` +
      `the bottle's real credentials out, whole or in pieces (they are injected only on their ` +
      `own route)`,
  };
}
