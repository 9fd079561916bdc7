/**
 * Pieces of the bottle's own secrets sent in separate requests. The DLP engine finds a whole
 * secret inside one request; an agent could send one piece per request instead. A *fragment*
 * is a run of at least `minBytes` consecutive bytes of a secret's private part (fragment_index.ts:
 * verbatim, hex, base64 or base64url at any alignment). Per scope (a client connection, and
 * the bottle for an hour since it last saw a fragment of that secret):
 *
 * - the first fragment of a secret may go (one piece alone is not the secret), if it covers at
 *   most half of the private part; a longer one is refused at once;
 * - after that, a fragment that carries any byte the scope has not already let through (the
 *   continuation, an overlapping extension, another part of the same request) is refused;
 *   the same fragment again (a conversation sent anew each turn) goes.
 *
 * What a blocked request carried is never counted as let through. Pure: the clock is given.
 */

import type { FormName, FragmentIndex, GramHit } from "./fragment_index.ts";

export const BOTTLE_WINDOW_MS = 60 * 60 * 1000;

interface Remembered {
  /** A fragment was seen (sent or not): the next one has no licence. */
  seen: boolean;
  /** Private bytes of fragments that went out. */
  sent: Uint8Array;
  last: number;
}

/** What one scope remembers of each secret of one index. */
export class FragmentMemory {
  private readonly secrets = new Map<number, Remembered>();

  /** `windowMs`: forget a secret this long after its last fragment (null: never). */
  constructor(readonly index: FragmentIndex, private readonly windowMs: number | null) {}

  get(secret: number, now: number): Remembered {
    const found = this.secrets.get(secret);
    if (found !== undefined && (this.windowMs === null || now - found.last <= this.windowMs)) {
      return found;
    }
    const fresh = { seen: false, sent: new Uint8Array(this.index.secrets[secret].length), last: 0 };
    this.secrets.set(secret, fresh);
    return fresh;
  }
}

export interface Scope {
  memory: FragmentMemory;
  /** Where the earlier piece was seen, for reasons: "earlier on this connection". */
  label: string;
}

export interface SplitFinding {
  /** The secret's route id. */
  secret: string;
  form: FormName;
  kind: "most" | "continued";
  /** The scope that remembered the earlier piece (continued only). */
  scope: string | null;
}

interface Run {
  lastAt: number;
  from: number;
  to: number;
  licensed: boolean[];
}

/** One request: its texts' hits in, findings out; `commit` once it has gone. */
export class SplitRequest {
  private readonly runs = new Map<string, Run>();
  /** Per scope, per secret: bytes of licensed runs of this request. */
  private readonly pending: Map<number, Uint8Array>[];

  constructor(
    private readonly index: FragmentIndex,
    private readonly scopes: readonly Scope[],
    private readonly now: number,
  ) {
    this.pending = scopes.map(() => new Map());
  }

  /** A hit in text `view` (each URL form, header value and the body is its own view). */
  hit(view: number, hit: GramHit): SplitFinding | null {
    const secret = this.index.secrets[hit.secret];
    const key = `${view}:${hit.variant}:${hit.at - hit.offset}`;
    let run = this.runs.get(key);
    if (run === undefined || run.lastAt !== hit.at - 1) {
      const licensed = this.scopes.map((s) => !s.memory.get(hit.secret, this.now).seen);
      run = { lastAt: hit.at, from: hit.from, to: hit.to, licensed };
      this.runs.set(key, run);
    }
    run.lastAt = hit.at;
    run.from = Math.min(run.from, hit.from);
    run.to = Math.max(run.to, hit.to);
    const finding = (kind: SplitFinding["kind"], scope: string | null): SplitFinding => ({
      secret: secret.id,
      form: hit.form,
      kind,
      scope,
    });
    if (2 * (run.to - run.from) > secret.length) return finding("most", null);
    for (const [k, scope] of this.scopes.entries()) {
      const remembered = scope.memory.get(hit.secret, this.now);
      const pending = this.pendingOf(k, hit.secret);
      if (!run.licensed[k] && !covered(hit.from, hit.to, remembered.sent, pending)) {
        return finding("continued", scope.label);
      }
    }
    for (const [k, scope] of this.scopes.entries()) {
      const remembered = scope.memory.get(hit.secret, this.now);
      remembered.seen = true;
      remembered.last = this.now;
      if (run.licensed[k]) this.pendingOf(k, hit.secret).fill(1, hit.from, hit.to);
    }
    return null;
  }

  /** What this request carried went out: later requests may repeat it. */
  commit(): void {
    for (const [k, scope] of this.scopes.entries()) {
      for (const [secret, bytes] of this.pending[k]) {
        const sent = scope.memory.get(secret, this.now).sent;
        for (let i = 0; i < bytes.length; i++) sent[i] |= bytes[i];
      }
      this.pending[k].clear();
    }
  }

  private pendingOf(scope: number, secret: number): Uint8Array {
    let bytes = this.pending[scope].get(secret);
    if (bytes === undefined) {
      bytes = new Uint8Array(this.index.secrets[secret].length);
      this.pending[scope].set(secret, bytes);
    }
    return bytes;
  }
}

function covered(from: number, to: number, sent: Uint8Array, pending: Uint8Array): boolean {
  for (let i = from; i < to; i++) if (sent[i] === 0 && pending[i] === 0) return false;
  return true;
}
