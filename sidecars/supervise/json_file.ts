/**
 * A JSON file another process rewrites (the engine writes policies by rename): parsed again
 * only when it changed (inode, size, modification time), and the last good version is kept
 * while the file is missing or invalid, which is what the daemon enforcing it does too.
 */

export class WatchedJsonFile<T> {
  private stamp = "";
  private value: T | null = null;

  constructor(
    readonly path: string,
    private readonly parse: (json: unknown) => T,
    private readonly log: (line: string) => void,
  ) {}

  /** The current value, or the last good one, or null when there never was one. */
  get(): T | null {
    let stamp: string;
    try {
      const info = Deno.statSync(this.path);
      stamp = `${info.ino}:${info.size}:${info.mtime?.getTime()}`;
    } catch (error) {
      return this.failed("missing", `cannot read ${this.path}: ${(error as Error).message}`);
    }
    if (stamp === this.stamp || `bad:${stamp}` === this.stamp) return this.value;
    try {
      this.value = this.parse(JSON.parse(Deno.readTextFileSync(this.path)));
      this.stamp = stamp;
    } catch (error) {
      return this.failed(stamp, `${this.path}: ${(error as Error).message}`);
    }
    return this.value;
  }

  private failed(stamp: string, message: string): T | null {
    if (this.stamp !== `bad:${stamp}`) {
      this.log(`${message}${this.value === null ? "" : "; using the last good version"}`);
      this.stamp = `bad:${stamp}`;
    }
    return this.value;
  }
}
