import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

/**
 * Keyed fingerprints of secrets, so state can tell that a secret changed (and plan an
 * update) without holding anything an attacker with the database could test guesses
 * against. The key lives beside the database, mode 0600.
 */
export class Fingerprinter {
  readonly #key: Uint8Array;

  constructor(stateDir: string) {
    const path = `${stateDir}/fingerprint.key`;
    if (!existsSync(path)) {
      mkdirSync(stateDir, { recursive: true, mode: 0o700 });
      try {
        writeFileSync(path, randomBytes(32), { mode: 0o600, flag: "wx" });
      } catch {
        // another process created it first
      }
    }
    this.#key = readFileSync(path);
  }

  fingerprint(value: string): string {
    return this.#mac(`secret\0${value}`).slice(0, 32);
  }

  /** The value the agent holds instead of a route's secret: stable per bottle and route. */
  placeholder(bottle: string, route: string): string {
    return `bb_placeholder_${this.#mac(`placeholder\0${bottle}\0${route}`).slice(0, 32)}`;
  }

  #mac(text: string): string {
    return createHmac("sha256", this.#key).update(text).digest("hex");
  }
}
