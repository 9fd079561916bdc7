/**
 * When to restart a daemon that exited: exponential backoff (100 ms doubling to 2 s,
 * reset after a long enough healthy run) and a crash-loop limit after which the
 * supervisor gives up, so a broken daemon shows as a gone bundle instead of spinning.
 * Pure: the caller supplies the clock.
 */

export interface RestartPolicyOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  /** A run at least this long counts as healthy: the backoff starts over. */
  healthyAfterMs: number;
  /** More restarts than this within `windowMs` is a crash loop. */
  maxRestarts: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  initialDelayMs: 100,
  maxDelayMs: 2000,
  healthyAfterMs: 10_000,
  maxRestarts: 10,
  windowMs: 60_000,
};

export type RestartDecision =
  | { restart: true; delayMs: number }
  | { restart: false; reason: string };

export class RestartPolicy {
  private delayMs = 0;
  private restarts: number[] = [];

  constructor(private readonly options: RestartPolicyOptions = DEFAULT_RESTART_POLICY) {}

  /** The daemon exited at `now` after running `uptimeMs`. */
  next(now: number, uptimeMs: number): RestartDecision {
    const o = this.options;
    if (uptimeMs >= o.healthyAfterMs) this.delayMs = 0;
    this.delayMs = this.delayMs === 0 ? o.initialDelayMs : Math.min(o.maxDelayMs, this.delayMs * 2);
    this.restarts = this.restarts.filter((t) => now - t < o.windowMs);
    this.restarts.push(now);
    if (this.restarts.length > o.maxRestarts) {
      return {
        restart: false,
        reason: `exited ${this.restarts.length} times within ${o.windowMs / 1000} s`,
      };
    }
    return { restart: true, delayMs: this.delayMs };
  }
}
