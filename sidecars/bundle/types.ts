import type { ProcessIdentity } from "../../lib/process.ts";

/**
 * Inputs to start one bottle's sidecar bundle (a supervised process tree outside the sandbox).
 * The test-only name mapping is no part of it: see startBundle (BOT_BOTTLE_TEST_RESOLVE).
 */
export interface BundleSpec {
  bottle: string;
  /** Directory for the bundle's sockets (the door); created by the engine, mode 0700/0711. */
  runDir: string;
  /** The egress policy file (JSON, see sidecars/egress/policy/wire.ts). */
  policyFile: string;
  /** Directory for logs: `egress.jsonl` (audit), `bundle.log` (daemon stderr). */
  logDir: string;
  /** The bottle's CA: `ca.crt` and `ca.key` (0600); the key never leaves the bundle. */
  caDir: string;
  /** The secrets file (see sidecars/egress/secrets/wire.ts); read only by the egress daemon. */
  secretsFile: string;
}

export interface BundleHandle {
  /** The supervisor; it leads its own process group holding every daemon of the bundle. */
  supervisor: ProcessIdentity;
  /** Socket paths by service name, e.g. `{ egress: "/…/run/egress.sock" }`. */
  sockets: Record<string, string>;
}

/** One supervised daemon of a bundle (see supervisor.pl). */
export interface ChildSpec {
  /** e.g. `egress`; used in log lines. */
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** The daemon is ready once this Unix socket accepts a connection. */
  socket: string;
  /**
   * Exit code meaning "bad configuration": on a first start it is final (no restarts).
   * Any other early exit is retried under the restart policy.
   */
  configErrorCode?: number;
}
