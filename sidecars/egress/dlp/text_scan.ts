/**
 * A text stream scanned as it is and through decoded views: percent-decoded, JSON-unescaped,
 * JSON-unescaped then percent-decoded, and — decode, then match — the encoded runs in it
 * (base64, base64url, hex, base32) and its UTF-16 stretches, each decoded stream scanned
 * again the same way, MAX_DEPTH decodings deep.
 *
 * Each view (view.ts) has its own scanner over the decoded stream; the escape views only
 * scan where decoding changed something nearby (elsewhere they are the raw text, already
 * scanned). `safe` is in raw characters: the minimum over the raw scanner and every view,
 * mapped back through what each decoder consumed.
 *
 * Cost: every decoding shrinks its input (base64 to 3/4, hex to 1/2, base32 to 5/8, UTF-16
 * to 1/2), so a level decodes at most ~2.4 times its input and the depth bounds the rest.
 */
import {
  type DecodedChunk,
  JsonUnescaper,
  PercentDecoder,
  ThenPercentDecoded,
} from "./decoders.ts";
import type { FindingSink, Matcher } from "./matcher.ts";
import {
  ArchiveError,
  type ArchiveKind,
  archiveKind,
  type ArchiveMember,
  archiveMembers,
  MAX_ARCHIVE_DEPTH,
} from "./archive.ts";
import { JsonValueJoiner } from "./json_values.ts";
import { PrintableFilter, printableStretches } from "./printable.ts";
import { decodeRuns, EncodedRunStream, RUN_KINDS, type RunChunk, type RunKind } from "./runs.ts";
import { decodeUtf16, Utf16Stream } from "./utf16.ts";
import {
  ALL_VIEWS,
  decodeWhole,
  nestedLabel,
  type StreamScanner,
  View,
  VIEW_LABELS,
  type ViewKind,
} from "./view.ts";
import { WindowScanner } from "./window.ts";

/** Decodings nested at most this deep (base64 of hex of base64 of a secret). */
export const MAX_DEPTH = 3;

const JOINED_LABEL = "adjacent JSON string values joined";
const FIRST_SIGNIFICANT = /\S/g;

const DECODED_LABELS: Record<RunKind | "utf16", string> = {
  base64: "base64-decoded",
  hex: "hex-decoded",
  "hex-odd": "hex-decoded",
  base32: "base32-decoded",
  utf16: "UTF-16-decoded",
};

/**
 * The encoded runs of a stream. A run that ends within the input so far is decoded and
 * scanned whole at once; only a run still open (a long one, cut by a chunk boundary)
 * streams, through its own view and nested scanner per decoding.
 */
class RunViews {
  readonly #stream = new EncodedRunStream();
  readonly #open = new Map<RunKind, { view: View; filter: PrintableFilter }>();
  #consumed = 0;
  #pending = 0;

  constructor(
    private readonly matcher: Matcher,
    private readonly sink: FindingSink,
    private readonly depth: number,
    private readonly label: string,
  ) {}

  push(chunk: string): void {
    this.#take(this.#stream.push(chunk));
  }

  finish(): void {
    this.#take(this.#stream.flush());
    for (const { view } of this.#open.values()) view.finish();
    this.#open.clear();
  }

  get safe(): number {
    return Math.min(
      this.#consumed - this.#pending,
      ...[...this.#open.values()].map((o) => o.view.safe),
    );
  }

  #take(chunk: RunChunk): void {
    this.#consumed += chunk.consumed;
    this.#pending = chunk.pending;
    // The runs that ended, one per line, scanned in one go per decoding.
    for (const kind of RUN_KINDS) {
      const text = printableStretches(chunk.whole[kind]);
      if (text !== "") {
        scanText(this.matcher, text, this.sink, ALL_VIEWS, this.#label(kind), this.depth + 1);
      }
    }
    for (const { kind, data } of chunk.archives) {
      scanArchive(this.matcher, this.sink, kind, data, {
        label: nestedLabel(this.label, "base64-decoded"),
        depth: this.depth + 1,
      });
    }
    for (const d of chunk.pieces) {
      let open = this.#open.get(d.kind);
      if (d.start || open === undefined) {
        const { matcher, sink, depth } = this;
        const label = this.#label(d.kind);
        const scanner = (): TextStreamScanner =>
          new TextStreamScanner(matcher, sink, ALL_VIEWS, depth + 1, label);
        open = { view: new View(scanner, d.at), filter: new PrintableFilter() };
        this.#open.set(d.kind, open);
      }
      const { text, holding } = open.filter.push(d.text);
      const rest = d.end ? open.filter.flush() : "";
      // A short printable tail waits for the next piece: this piece is not safe yet.
      const pending = holding && !d.end ? d.length : 0;
      open.view.take({ consumed: d.length, text: text + rest, changed: true, pending });
      if (d.end) {
        open.view.finish();
        this.#open.delete(d.kind);
      }
    }
  }

  #label(kind: RunKind): string {
    return nestedLabel(this.label, DECODED_LABELS[kind]);
  }
}

export class TextStreamScanner implements StreamScanner {
  readonly #raw: WindowScanner;
  readonly #percent: { decoder: PercentDecoder; view: View } | null = null;
  /** JSON-unescaping is shared by the JSON view and the JSON-then-percent view. */
  readonly #json: JsonUnescaper | null = null;
  readonly #jsonView: View | null = null;
  readonly #jsonPercent: { decoder: ThenPercentDecoded; view: View } | null = null;
  readonly #runs: RunViews | null = null;
  readonly #utf16: { decoder: Utf16Stream; view: View } | null = null;
  /** JSON documents' values joined; undefined until the first character tells JSON apart. */
  #jsonValues: { joiner: JsonValueJoiner; view: View } | null | undefined = undefined;
  #offset = 0;
  readonly #matcher: Matcher;
  readonly #sink: FindingSink;
  readonly #label: string;

  constructor(
    matcher: Matcher,
    sink: FindingSink,
    views: readonly ViewKind[],
    depth = 0,
    label = "",
  ) {
    this.#raw = new WindowScanner(matcher, sink, label);
    this.#matcher = matcher;
    this.#sink = sink;
    this.#label = label;
    const view = (kind: ViewKind): View =>
      new View((changedNear) =>
        new WindowScanner(
          matcher,
          sink,
          nestedLabel(label, VIEW_LABELS[kind]),
          (from) => changedNear(from - matcher.behind),
        )
      );
    if (views.includes("percent")) {
      this.#percent = { decoder: new PercentDecoder(), view: view("percent") };
    }
    if (views.includes("json") || views.includes("json-percent")) this.#json = new JsonUnescaper();
    if (views.includes("json")) this.#jsonView = view("json");
    if (views.includes("json-percent")) {
      this.#jsonPercent = { decoder: new ThenPercentDecoded(), view: view("json-percent") };
    }
    if (depth < MAX_DEPTH) {
      this.#runs = new RunViews(matcher, sink, depth, label);
      const inner = nestedLabel(label, DECODED_LABELS.utf16);
      this.#utf16 = {
        decoder: new Utf16Stream(),
        view: new View(() => new TextStreamScanner(matcher, sink, ALL_VIEWS, depth + 1, inner)),
      };
    }
  }

  push(chunk: string): void {
    this.#raw.push(chunk);
    this.#percent?.view.take(this.#percent.decoder.push(chunk));
    if (this.#json) this.#takeJson(this.#json.push(chunk), false);
    this.#runs?.push(chunk);
    this.#utf16?.view.take(this.#utf16.decoder.push(chunk));
    this.#pushJsonValues(chunk);
    this.#offset += chunk.length;
  }

  /** A stream whose first character is `{` or `[` is JSON: its values are joined too. */
  #pushJsonValues(chunk: string): void {
    let from = 0;
    if (this.#jsonValues === undefined) {
      FIRST_SIGNIFICANT.lastIndex = 0;
      const first = FIRST_SIGNIFICANT.exec(chunk);
      if (first === null) return;
      if (first[0] !== "{" && first[0] !== "[") {
        this.#jsonValues = null;
        return;
      }
      from = first.index;
      const matcher = this.#matcher;
      const sink = this.#sink;
      const label = nestedLabel(this.#label, JOINED_LABEL);
      this.#jsonValues = {
        joiner: new JsonValueJoiner(),
        view: new View(() => new WindowScanner(matcher, sink, label), this.#offset + from),
      };
    }
    if (this.#jsonValues === null) return;
    this.#jsonValues.view.take(this.#jsonValues.joiner.push(from ? chunk.slice(from) : chunk));
  }

  finish(): void {
    this.#raw.finish();
    if (this.#percent) {
      this.#percent.view.take(this.#percent.decoder.flush());
      this.#percent.view.finish();
    }
    if (this.#json) this.#takeJson(this.#json.flush(), true);
    this.#jsonView?.finish();
    this.#jsonPercent?.view.finish();
    this.#runs?.finish();
    if (this.#utf16) {
      this.#utf16.view.take(this.#utf16.decoder.flush());
      this.#utf16.view.finish();
    }
    if (this.#jsonValues) {
      this.#jsonValues.view.take(this.#jsonValues.joiner.flush());
      this.#jsonValues.view.finish();
    }
  }

  /** Raw characters before this offset are scanned and hold no undetected secret. */
  get safe(): number {
    const views = [
      this.#percent?.view,
      this.#jsonView,
      this.#jsonPercent?.view,
      this.#utf16?.view,
      this.#jsonValues?.view,
    ];
    return Math.min(
      this.#raw.safe,
      this.#runs?.safe ?? Infinity,
      ...views.map((v) => v?.safe ?? Infinity),
    );
  }

  #takeJson(chunk: DecodedChunk, flush: boolean): void {
    this.#jsonView?.take(chunk);
    this.#jsonPercent?.view.take(this.#jsonPercent.decoder.take(chunk, flush));
  }
}

/**
 * Scans a whole string as it is, through the given decoded views, and through the
 * decodings of its encoded runs and UTF-16 stretches (each scanned with every view).
 */
export function scanText(
  matcher: Matcher,
  text: string,
  sink: FindingSink,
  views: readonly ViewKind[],
  label = "",
  depth = 0,
): void {
  matcher.scan(text, 0, text.length, sink, label);
  for (const kind of views) {
    const decoded = decodeWhole(kind, text);
    if (decoded !== text) {
      matcher.scan(decoded, 0, decoded.length, sink, nestedLabel(label, VIEW_LABELS[kind]));
    }
  }
  if (/^\s*[{[]/.test(text)) {
    const joiner = new JsonValueJoiner();
    const joined = joiner.push(text).text + joiner.flush().text;
    if (joined !== "") {
      matcher.scan(joined, 0, joined.length, sink, nestedLabel(label, JOINED_LABEL));
    }
  }
  if (depth >= MAX_DEPTH) return;
  const runs = decodeRuns(text);
  for (const kind of RUN_KINDS) {
    const decoded = printableStretches(runs[kind]);
    if (decoded === "") continue;
    scanText(
      matcher,
      decoded,
      sink,
      ALL_VIEWS,
      nestedLabel(label, DECODED_LABELS[kind]),
      depth + 1,
    );
  }
  const utf16 = decodeUtf16(text);
  if (utf16 !== "") {
    scanText(matcher, utf16, sink, ALL_VIEWS, nestedLabel(label, DECODED_LABELS.utf16), depth + 1);
  }
}

/** A gzip or zip archive the scanner cannot open is not sent: what it holds is unknown. */
export const ARCHIVE_UNREADABLE = "archive-unreadable";
/** An archive inside text (base64) expands to at most this much. */
const MAX_EMBEDDED_ARCHIVE_BYTES = 16 * 1024 * 1024;

export interface ArchiveScan {
  label: string;
  /** Decodings already around the archive. */
  depth: number;
  /** Output limit; default MAX_EMBEDDED_ARCHIVE_BYTES. */
  maxBytes?: number;
  /** Archives already around this one. */
  nesting?: number;
}

/**
 * Opens an archive (binary string) and scans what its members hold, as whole documents;
 * archives inside it are opened too, MAX_ARCHIVE_DEPTH deep. An archive that cannot be
 * opened (corrupt, encrypted, an unknown method, too large) is reported as
 * ARCHIVE_UNREADABLE.
 */
export function scanArchive(
  matcher: Matcher,
  sink: FindingSink,
  kind: ArchiveKind,
  data: string,
  scan: ArchiveScan,
): void {
  const maxBytes = scan.maxBytes ?? MAX_EMBEDDED_ARCHIVE_BYTES;
  const label = nestedLabel(scan.label, kind === "gzip" ? "gunzipped" : "zip member");
  let members: ArchiveMember[];
  try {
    members = archiveMembers(kind, data, maxBytes);
  } catch (error) {
    if (!(error instanceof ArchiveError)) throw error;
    const why = error.tooLarge ? `expands past ${maxBytes} bytes` : "cannot be opened";
    sink.report(ARCHIVE_UNREADABLE, `a ${kind} archive that ${why}, so its content is unknown`);
    return;
  }
  const nesting = (scan.nesting ?? 0) + 1;
  for (const member of members) {
    const inner = archiveKind(member.content);
    if (inner !== null && nesting < MAX_ARCHIVE_DEPTH) {
      scanArchive(matcher, sink, inner, member.content, { ...scan, label, nesting });
    }
    scanText(matcher, member.content, sink, ALL_VIEWS, label, scan.depth);
  }
}
