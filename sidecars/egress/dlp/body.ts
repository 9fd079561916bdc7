/**
 * Request body scanning. The (decoded) body streams through a TextStreamScanner — raw,
 * percent-decoded, JSON-unescaped and both — so findings come as soon as they are certain.
 *
 * `safeBytes` advances while the body streams only for identity-encoded bodies that are
 * not form or multipart. It stays 0 until `end` for: compressed bodies (decoded bytes do
 * not map back to input bytes), form bodies (fields are parsed whole, to find secrets split
 * across them) and multipart bodies (parts are parsed whole, transfer encodings undone).
 * Those are buffered up to `maxBodyBytes`.
 *
 * Fail-closed: an unknown Content-Encoding, a corrupt or truncated compressed stream, or a
 * body larger than `maxBodyBytes` after decoding is a block finding, and nothing after it
 * is scanned or declared safe.
 */
import { latin1 } from "../../../lib/bytes.ts";
import { DecodeError, Decompressor, parseContentEncoding } from "./decompress.ts";
import { scanFormText } from "./form.ts";
import type { FindingSink, Matcher } from "./matcher.ts";
import { multipartBoundary, type MultipartPart, parseMultipart } from "./multipart.ts";
import { type ArchiveKind, archiveKind } from "./archive.ts";
import { FindingCollector, type RulePolicy } from "./policy.ts";
import { scanArchive, scanText, TextStreamScanner } from "./text_scan.ts";
import { ALL_VIEWS } from "./view.ts";
import type { BodyScan, DlpFinding } from "./types.ts";

export const BODY_TOO_LARGE = "body-too-large";
export const ENCODING_UNKNOWN = "content-encoding-unknown";
export const ENCODING_CORRUPT = "content-encoding-corrupt";

export interface BodyContext {
  matcher: Matcher;
  policy: RulePolicy;
  maxBodyBytes: number;
}

function isForm(contentType: string | null): boolean {
  return /^\s*application\/x-www-form-urlencoded\b/i.test(contentType ?? "");
}

/** A multipart part scanned whole according to its type (an archive is opened). */
function scanPart(context: BodyContext, part: MultipartPart, sink: FindingSink): void {
  const archive = archiveKind(part.content);
  if (archive !== null) {
    scanArchive(context.matcher, sink, archive, part.content, {
      label: "multipart part",
      depth: 0,
      maxBytes: context.maxBodyBytes,
    });
  }
  if (part.transferDecoded) {
    scanText(context.matcher, part.content, sink, ALL_VIEWS, "multipart part, transfer-decoded");
  }
  if (isForm(part.contentType)) scanFormText(context.matcher, part.content, sink);
}

/** Decoded bytes needed to tell an archive by its magic. */
const SNIFF_BYTES = 4;

export class BodyScanner implements BodyScan {
  readonly #matcher: Matcher;
  readonly #maxBytes: number;
  readonly #collector: FindingCollector;
  readonly #text: TextStreamScanner;
  readonly #decompressor: Decompressor | null = null;
  readonly #unknownEncoding: boolean = false;
  readonly #context: BodyContext;
  readonly #kind: "text" | "form" | "multipart";
  readonly #boundary: string | null = null;
  /** Kept whole for the end: form and multipart bodies, archives, and a text body's start. */
  #buffer: string[] | null = [];
  /** The body is an archive (by its first bytes); undecided until SNIFF_BYTES arrive. */
  #archive: ArchiveKind | null | undefined = undefined;
  #received = 0;
  #decoded = 0;
  #failed = false;
  #ended = false;
  #frozenSafe = 0;

  constructor(
    context: BodyContext,
    host: string,
    contentType: string | null,
    contentEncoding: string | null,
  ) {
    this.#matcher = context.matcher;
    this.#context = context;
    this.#maxBytes = context.maxBodyBytes;
    this.#collector = new FindingCollector(context.policy, host, "body");
    const codings = parseContentEncoding(contentEncoding);
    if (!Array.isArray(codings)) this.#unknownEncoding = true;
    else if (codings.length > 0) {
      this.#decompressor = new Decompressor(codings, context.maxBodyBytes);
    }
    this.#kind = isForm(contentType)
      ? "form"
      : /^\s*multipart\//i.test(contentType ?? "")
      ? "multipart"
      : "text";
    if (this.#kind === "multipart") this.#boundary = multipartBoundary(contentType ?? "");
    // A form is percent-decoded whole at the end (with `+` as space), not while it streams.
    const views = this.#kind === "form" ? ["json" as const] : ALL_VIEWS;
    this.#text = new TextStreamScanner(context.matcher, this.#collector, views);
  }

  get safeBytes(): number {
    if (this.#ended && !this.#failed) return this.#received;
    if (this.#failed) return this.#frozenSafe;
    if (this.#unknownEncoding || this.#decompressor !== null || this.#buffer !== null) return 0;
    return this.#text.safe;
  }

  push(chunk: Uint8Array): DlpFinding[] {
    if (this.#ended) throw new Error("BodyScan.push after end");
    this.#received += chunk.length;
    if (this.#failed || this.#unknownEncoding || chunk.length === 0) return this.#collector.take();
    try {
      if (this.#decompressor) this.#decompressor.push(chunk, (b) => this.#scanDecoded(b));
      else this.#scanDecoded(chunk);
    } catch (e) {
      this.#fail(e);
    }
    return this.#collector.take();
  }

  end(): DlpFinding[] {
    if (this.#ended) return [];
    if (this.#unknownEncoding) {
      this.#failClosed(ENCODING_UNKNOWN, "unsupported Content-Encoding: body not scanned");
    } else if (!this.#failed) {
      try {
        this.#decompressor?.finish((b) => this.#scanDecoded(b));
        this.#text.finish();
        this.#scanWhole();
      } catch (e) {
        this.#fail(e);
      }
    }
    this.#ended = true;
    return this.#collector.take();
  }

  #scanDecoded(bytes: Uint8Array): void {
    this.#decoded += bytes.length;
    if (this.#decoded > this.#maxBytes) {
      throw new DecodeError("decoded body exceeds the size limit", true);
    }
    const text = latin1(bytes);
    this.#text.push(text);
    this.#buffer?.push(text);
    if (this.#archive === undefined && this.#decoded >= SNIFF_BYTES) this.#sniff();
  }

  /** A body that is a gzip or zip file is kept whole, to be opened at the end. */
  #sniff(): void {
    const head = this.#buffer!.join("");
    this.#buffer = [head];
    this.#archive = archiveKind(head);
    if (this.#archive === null && this.#kind === "text") this.#buffer = null;
  }

  #scanWhole(): void {
    if (this.#buffer === null) return;
    const body = this.#buffer.join("");
    this.#buffer.length = 0;
    if (this.#archive === undefined) this.#archive = archiveKind(body);
    if (this.#archive) {
      scanArchive(this.#matcher, this.#collector, this.#archive, body, {
        label: "",
        depth: 0,
        maxBytes: this.#maxBytes,
      });
    }
    if (this.#kind === "form") scanFormText(this.#matcher, body, this.#collector);
    if (this.#kind === "multipart" && this.#boundary !== null) {
      for (const part of parseMultipart(body, this.#boundary)) {
        scanPart(this.#context, part, this.#collector);
      }
    }
  }

  #fail(error: unknown): void {
    if (error instanceof DecodeError && error.tooLarge) {
      this.#failClosed(BODY_TOO_LARGE, `body exceeds ${this.#maxBytes} bytes after decoding`);
    } else if (error instanceof DecodeError) {
      this.#failClosed(ENCODING_CORRUPT, `compressed body does not decode (${error.message})`);
    } else {
      throw error;
    }
  }

  #failClosed(rule: string, detail: string): void {
    this.#frozenSafe = this.safeBytes;
    this.#failed = true;
    this.#buffer?.splice(0);
    this.#decompressor?.abort();
    this.#collector.report(rule, detail);
  }
}
