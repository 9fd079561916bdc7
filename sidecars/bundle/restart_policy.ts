/**
 * When the supervisor (supervisor.pl, `restart_decision`) restarts a daemon that exited:
 * exponential backoff (100 ms doubling to 2 s, reset after a long enough healthy run) and a
 * crash-loop limit after which it gives up, so a broken daemon shows as a gone bundle
 * instead of spinning. launch.ts passes these numbers on the supervisor's command line.
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
