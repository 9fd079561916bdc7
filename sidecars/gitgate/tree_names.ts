/**
 * The names in a tree object, for the secret scan: a file or directory name is pushed content
 * too (`keys/AKIA…/x`), and the blob scan never sees it. Raw tree entries are
 * `MODE SP NAME NUL OID` with the oid in binary (20 bytes for SHA-1, 32 for SHA-256).
 */

/** The entries' names, each as a full path under `prefix` (the tree's own path, or ""). */
export function treeNames(tree: Uint8Array, oidBytes: number, prefix: string): string[] {
  const decoder = new TextDecoder();
  const names: string[] = [];
  let at = 0;
  while (at < tree.length) {
    const space = tree.indexOf(0x20, at);
    const nul = space < 0 ? -1 : tree.indexOf(0, space);
    if (nul < 0) throw new Error("a pushed tree object is malformed");
    const name = decoder.decode(tree.subarray(space + 1, nul));
    names.push(prefix === "" ? name : `${prefix}/${name}`);
    at = nul + 1 + oidBytes;
  }
  return names;
}

/** Collects one tree's bytes as it streams, up to `max` (a larger tree is refused). */
export class TreeBuffer {
  #parts: Uint8Array[] = [];
  #size = 0;

  constructor(private readonly max: number) {}

  /** False once the tree is larger than `max`. */
  push(chunk: Uint8Array): boolean {
    this.#size += chunk.length;
    if (this.#size > this.max) return false;
    this.#parts.push(chunk.slice());
    return true;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.#size);
    let at = 0;
    for (const part of this.#parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}
