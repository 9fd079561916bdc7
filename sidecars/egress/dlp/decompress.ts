/**
 * Content-Encoding decoding, synchronously and incrementally: each pushed chunk yields the
 * decoded bytes it completes. node:zlib's one-shot functions are synchronous but not
 * incremental, and its streams are incremental but asynchronous; so this drives the
 * stream's native handle (`writeSync`) directly, as node:zlib's own one-shot path does.
 * When that internal is missing the input is buffered and decoded at the end instead.
 *
 * Fail-closed: a corrupt stream, data after its end, a truncated gzip/deflate stream, or
 * output past the limit throws DecodeError.
 */
import zlib from "node:zlib";

export type Coding = "gzip" | "deflate" | "br" | "zstd";

export class DecodeError extends Error {
  override name = "DecodeError";
  constructor(message: string, readonly tooLarge = false) {
    super(message);
  }
}

/** The codings of a Content-Encoding header in the order they were applied, or the unknown one. */
export function parseContentEncoding(header: string | null): Coding[] | { unknown: string } {
  const codings: Coding[] = [];
  for (const token of (header ?? "").split(",").map((t) => t.trim().toLowerCase())) {
    if (token === "" || token === "identity") continue;
    if (token === "gzip" || token === "x-gzip") codings.push("gzip");
    else if (token === "deflate") codings.push("deflate");
    else if (token === "br") codings.push("br");
    else if (token === "zstd" && typeof zlibExtras().createZstdDecompress === "function") {
      codings.push("zstd");
    } else return { unknown: token };
  }
  return codings;
}

type Emit = (bytes: Uint8Array) => void;

interface Stage {
  write(chunk: Uint8Array, emit: Emit): void;
  finish(emit: Emit): void;
  /** Releases native resources without finishing. */
  abort(): void;
}

interface NativeHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
  onerror: (message: string, errno: number) => void;
}

interface ZlibStream {
  _handle?: NativeHandle | null;
  _writeState?: Uint32Array;
  close(): void;
}

interface ZlibExtras {
  createZstdDecompress?: () => ZlibStream;
  zstdDecompressSync?: (input: Uint8Array, options: { maxOutputLength: number }) => Uint8Array;
}

// The zstd members are newer than @types/node's zlib in Deno's typings; they are probed at run time.
function zlibExtras(): ZlibExtras {
  return zlib as unknown as ZlibExtras;
}

// Typed as a union of per-codec constant objects; read here by name (e.g. BROTLI_OPERATION_FLUSH).
const C = zlib.constants as unknown as Record<string, number>;
const OUT_CHUNK = 64 * 1024;

type Kind = "gunzip" | "inflate" | "inflateRaw" | "brotli" | "zstd";

/**
 * The stream seen through its native handle: node's typings hide `_handle`, which this
 * module drives directly to decompress a chunk at a time with a bounded output.
 */
function createStream(kind: Kind): ZlibStream {
  switch (kind) {
    case "gunzip":
      return zlib.createGunzip() as unknown as ZlibStream;
    case "inflate":
      return zlib.createInflate() as unknown as ZlibStream;
    case "inflateRaw":
      return zlib.createInflateRaw() as unknown as ZlibStream;
    case "brotli":
      return zlib.createBrotliDecompress() as unknown as ZlibStream;
    case "zstd":
      return zlibExtras().createZstdDecompress!();
  }
}

function flushFlags(kind: Kind): { process: number; finish: number } {
  if (kind === "brotli") {
    return { process: C.BROTLI_OPERATION_PROCESS, finish: C.BROTLI_OPERATION_FINISH };
  }
  if (kind === "zstd") return { process: C.ZSTD_e_continue ?? 0, finish: C.ZSTD_e_end ?? 2 };
  return { process: C.Z_NO_FLUSH, finish: C.Z_FINISH };
}

/** Drives a node:zlib stream's native handle synchronously. */
class NativeStage implements Stage {
  readonly #stream: ZlibStream;
  readonly #handle: NativeHandle;
  readonly #state: Uint32Array;
  readonly #flags: { process: number; finish: number };
  readonly #out = new Uint8Array(OUT_CHUNK);
  #error: string | null = null;
  #closed = false;

  constructor(kind: Kind, stream: ZlibStream) {
    this.#stream = stream;
    this.#handle = stream._handle!;
    this.#state = stream._writeState!;
    this.#flags = flushFlags(kind);
    this.#handle.onerror = (message: string): void => {
      this.#error = message;
    };
  }

  write(chunk: Uint8Array, emit: Emit): void {
    if (chunk.length > 0) this.#run(chunk, this.#flags.process, emit);
  }

  finish(emit: Emit): void {
    try {
      this.#run(new Uint8Array(0), this.#flags.finish, emit);
    } finally {
      this.abort();
    }
  }

  abort(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stream.close();
  }

  #run(input: Uint8Array, flush: number, emit: Emit): void {
    let offset = 0;
    let available = input.length;
    for (;;) {
      this.#handle.writeSync(flush, input, offset, available, this.#out, 0, OUT_CHUNK);
      if (this.#error !== null) throw new DecodeError(this.#error);
      const [outLeft, inLeft] = this.#state;
      if (outLeft < OUT_CHUNK) emit(this.#out.slice(0, OUT_CHUNK - outLeft));
      offset += available - inLeft;
      available = inLeft;
      if (outLeft === 0) continue;
      if (available > 0) throw new DecodeError("data after the end of the compressed stream");
      return;
    }
  }
}

/** Fallback: buffers everything and decodes it in one go at the end. */
class OneShotStage implements Stage {
  readonly #chunks: Uint8Array[] = [];

  constructor(private readonly kind: Kind, private readonly maxOutput: number) {}

  write(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
  }

  abort(): void {
    this.#chunks.length = 0;
  }

  finish(emit: Emit): void {
    const input = new Uint8Array(this.#chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.#chunks) {
      input.set(c, at);
      at += c.length;
    }
    const options = { maxOutputLength: this.maxOutput };
    try {
      switch (this.kind) {
        case "gunzip":
          return emit(zlib.gunzipSync(input, options));
        case "inflate":
          return emit(zlib.inflateSync(input, options));
        case "inflateRaw":
          return emit(zlib.inflateRawSync(input, options));
        case "brotli":
          return emit(zlib.brotliDecompressSync(input, options));
        case "zstd":
          return emit(zlibExtras().zstdDecompressSync!(input, options));
      }
    } catch (e) {
      throw new DecodeError(e instanceof Error ? e.message : String(e));
    }
  }
}

/** `native: false` forces the buffering fallback (for tests). */
function createStage(kind: Kind, maxOutput: number, native: boolean): Stage {
  const stream = createStream(kind);
  if (native && typeof stream._handle?.writeSync === "function" && stream._writeState) {
    return new NativeStage(kind, stream);
  }
  stream.close();
  return new OneShotStage(kind, maxOutput);
}

/** `deflate` is a zlib stream, but some clients send raw deflate: decided by the header. */
class DeflateStage implements Stage {
  #stage: Stage | null = null;
  #head = new Uint8Array(0);

  constructor(private readonly maxOutput: number, private readonly native: boolean) {}

  write(chunk: Uint8Array, emit: Emit): void {
    if (this.#stage === null) {
      const head = new Uint8Array(this.#head.length + chunk.length);
      head.set(this.#head);
      head.set(chunk, this.#head.length);
      if (head.length < 2) {
        this.#head = head;
        return;
      }
      const zlibHeader = (head[0] & 0x0f) === 8 && ((head[0] << 8) | head[1]) % 31 === 0;
      this.#stage = createStage(zlibHeader ? "inflate" : "inflateRaw", this.maxOutput, this.native);
      chunk = head;
    }
    this.#stage.write(chunk, emit);
  }

  finish(emit: Emit): void {
    if (this.#stage === null) {
      if (this.#head.length > 0) throw new DecodeError("truncated deflate stream");
      return;
    }
    this.#stage.finish(emit);
  }

  abort(): void {
    this.#stage?.abort();
  }
}

const KINDS: Record<Exclude<Coding, "deflate">, Kind> = {
  gzip: "gunzip",
  br: "brotli",
  zstd: "zstd",
};

/** Decodes a body through its codings (applied in header order, so undone in reverse). */
export class Decompressor {
  readonly #stages: Stage[];
  #output = 0;

  constructor(codings: readonly Coding[], private readonly maxOutput: number, native = true) {
    this.#stages = [...codings].reverse().map((c) =>
      c === "deflate"
        ? new DeflateStage(maxOutput, native)
        : createStage(KINDS[c], maxOutput, native)
    );
  }

  push(chunk: Uint8Array, emit: Emit): void {
    this.#feed(0, chunk, false, this.#limit(emit));
  }

  finish(emit: Emit): void {
    this.#feed(0, new Uint8Array(0), true, this.#limit(emit));
  }

  abort(): void {
    for (const stage of this.#stages) stage.abort();
  }

  #limit(emit: Emit): Emit {
    return (bytes: Uint8Array): void => {
      this.#output += bytes.length;
      if (this.#output > this.maxOutput) {
        throw new DecodeError("decoded body exceeds the size limit", true);
      }
      emit(bytes);
    };
  }

  #feed(i: number, bytes: Uint8Array, finish: boolean, emit: Emit): void {
    if (i === this.#stages.length) {
      if (bytes.length > 0) emit(bytes);
      return;
    }
    const next = (out: Uint8Array): void => this.#feed(i + 1, out, false, emit);
    this.#stages[i].write(bytes, next);
    if (finish) {
      this.#stages[i].finish(next);
      this.#feed(i + 1, new Uint8Array(0), true, emit);
    }
  }
}
