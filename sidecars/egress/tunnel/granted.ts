/**
 * Passthrough tunnels opened under a supervise grant end with the grant: each is re-decided
 * (same host and port, the policy in force, the time now) when its grant runs out and after
 * every reload, and closed when the verdict is no longer an allow it can carry (a deny, or a
 * grant narrowed to a path prefix, which only an intercepted tunnel can check).
 *
 * Tunnels opened under an allow rule are not watched: a reload leaves open tunnels alone.
 */

import { type CompiledPolicy, decide } from "../policy/mod.ts";
import type { GrantedTunnel, TunnelWatch } from "../pipeline/mod.ts";

/** setTimeout's longest delay; a later expiry is re-checked on the way. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class GrantedTunnels implements TunnelWatch {
  /** Each tunnel and its pending expiry check. */
  readonly #open = new Map<GrantedTunnel, ReturnType<typeof setTimeout> | undefined>();

  constructor(
    private readonly policy: () => CompiledPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  watch(tunnel: GrantedTunnel): () => void {
    this.#open.set(tunnel, undefined);
    this.#check(tunnel);
    return () => this.#forget(tunnel);
  }

  /** Re-decides every watched tunnel (the policy changed). */
  recheck(): void {
    for (const tunnel of [...this.#open.keys()]) this.#check(tunnel);
  }

  get size(): number {
    return this.#open.size;
  }

  /** Stops every pending check (the proxy is closing; its connections close anyway). */
  close(): void {
    for (const tunnel of [...this.#open.keys()]) this.#forget(tunnel);
  }

  #forget(tunnel: GrantedTunnel): void {
    clearTimeout(this.#open.get(tunnel));
    this.#open.delete(tunnel);
  }

  #check(tunnel: GrantedTunnel): void {
    if (!this.#open.has(tunnel)) return;
    clearTimeout(this.#open.get(tunnel));
    const now = this.now();
    const decision = decide(this.policy(), tunnel.host, tunnel.port, now);
    if (decision.verdict === "deny") return this.#end(tunnel, decision.reason.split("\n")[0]);
    const grant = decision.grant;
    if (grant !== undefined && grant.pathPrefix !== "") {
      return this.#end(
        tunnel,
        `${decision.reason}; a relayed tunnel cannot be held to a path prefix`,
      );
    }
    const expiresAt = grant?.expiresAt ?? null;
    if (expiresAt === null) {
      this.#open.set(tunnel, undefined);
      return;
    }
    // One millisecond past the expiry: a grant is live while expires_at > now.
    const delay = Math.min(Math.max(expiresAt - now + 1, 0), MAX_DELAY_MS);
    this.#open.set(tunnel, setTimeout(() => this.#check(tunnel), delay));
  }

  #end(tunnel: GrantedTunnel, reason: string): void {
    this.#forget(tunnel);
    tunnel.end(reason);
  }
}
