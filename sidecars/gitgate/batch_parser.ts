/**
 * Splits `git cat-file --batch` output (`OID TYPE SIZE\n` + SIZE bytes + `\n` per object)
 * into objects as it streams, holding no more than one header line.
 */

export interface BatchSink {
  start(oid: string, type: string, size: number): void;
  data(chunk: Uint8Array): void;
  end(): void;
}

const NEWLINE = 10;
const MAX_HEADER = 1024;

export class BatchParser {
  #header: number[] = [];
  /** Bytes of the current object still to come; -1 between objects. */
  #left = -1;
  /** The newline after an object's content is still to come. */
  #trailer = false;

  constructor(private readonly sink: BatchSink) {}

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.#trailer) {
        if (chunk[at] !== NEWLINE) throw new Error("cat-file output out of step");
        this.#trailer = false;
        at += 1;
      } else if (this.#left > 0) {
        const take = Math.min(this.#left, chunk.length - at);
        this.sink.data(chunk.subarray(at, at + take));
        this.#left -= take;
        at += take;
        if (this.#left === 0) this.#finish();
      } else {
        const newline = chunk.indexOf(NEWLINE, at);
        const end = newline < 0 ? chunk.length : newline;
        for (let i = at; i < end; i++) this.#header.push(chunk[i]);
        if (this.#header.length > MAX_HEADER) throw new Error("cat-file header too long");
        at = end;
        if (newline >= 0) {
          at += 1;
          this.#startObject(String.fromCharCode(...this.#header));
          this.#header = [];
        }
      }
    }
  }

  /** Whether the output ended between objects. */
  get complete(): boolean {
    return this.#left <= 0 && !this.#trailer && this.#header.length === 0;
  }

  #startObject(header: string): void {
    const parts = header.split(" ");
    if (parts.length !== 3 || !/^\d+$/.test(parts[2])) {
      throw new Error(`unexpected cat-file header: ${header.slice(0, 200)}`);
    }
    const size = Number(parts[2]);
    this.sink.start(parts[0], parts[1], size);
    this.#left = size;
    if (size === 0) this.#finish();
  }

  #finish(): void {
    this.sink.end();
    this.#left = -1;
    this.#trailer = true;
  }
}
