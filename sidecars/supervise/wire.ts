/**
 * The supervise sidecar's wire format: its port on the door, the config the engine starts it
 * with, and the shape of a request as the queue (in the state database) holds it. Declared
 * here so the sidecar depends on nothing of the engine.
 *
 * The agent reaches the sidecar only through the door (`supervise.sock` in the run directory,
 * `http://127.0.0.1:3130/mcp/AGENT` inside). The sidecar runs on the host as the operator and
 * may write only new pending requests; only operator commands decide them.
 */

/** Inside every sandbox, the door forwards this port to SUPERVISE_SOCKET. */
export const SUPERVISE_PORT = 3130;
export const SUPERVISE_SOCKET = "supervise.sock";
/** The MCP endpoint's path; an agent's URL is `/mcp/AGENT`. */
export const SUPERVISE_PATH = "/mcp";
/** The config file's name in the bottle directory. */
export const SUPERVISE_CONFIG_FILE = "supervise.json";

/** The URL an agent inside the sandbox is registered with. */
export function superviseUrl(agent: string): string {
  return `http://127.0.0.1:${SUPERVISE_PORT}${SUPERVISE_PATH}/${encodeURIComponent(agent)}`;
}

/** What an agent may ask for: egress (`request_egress`), git (`request_git`), a human (`ask_human`). */
export type RequestKind = "egress" | "git" | "ask";
export const REQUEST_KINDS: readonly RequestKind[] = ["egress", "git", "ask"];

/** `request_egress`: one host (a name; never an IP in a private range), maybe a port and path. */
export interface EgressAsk {
  host: string;
  port?: number;
  path_prefix?: string;
}

/**
 * `request_git`: push to `branch` (a git-ref glob) on the declared upstream `upstream`, or
 * (without `branch`) a new read-only upstream at the URL `upstream`.
 */
export interface GitAsk {
  upstream: string;
  branch?: string;
}

/** `ask_human`: a question; the answer comes back as text. */
export interface HumanAsk {
  question: string;
}

export type RequestPayload = EgressAsk | GitAsk | HumanAsk;

/**
 * pending → approved | denied | withdrawn (its bottle or agent is gone, or it waited longer
 * than REQUEST_TTL_HOURS: expired); approved → expired (its grant ran out) | withdrawn (its
 * grant was revoked). A question answered is `approved` with the answer as its response.
 */
export type RequestState = "pending" | "approved" | "denied" | "expired" | "withdrawn";
export const REQUEST_STATES: readonly RequestState[] = [
  "pending",
  "approved",
  "denied",
  "expired",
  "withdrawn",
];

/** A pending request nobody decided is expired after this long. */
export const REQUEST_TTL_HOURS = 24;

/** One request as the queue holds it. */
export interface SuperviseRequest {
  id: number;
  /** Absolute path of the manifest directory the bottle belongs to. */
  project: string;
  bottle: string;
  agent: string;
  kind: RequestKind;
  payload: RequestPayload;
  reason: string;
  state: RequestState;
  /** ISO 8601 times. */
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
  /** The deny reason, the answer to a question, or a note on the approval. */
  response: string | null;
  /** The grant an approval made (egress and git only). */
  grant_id: number | null;
  /** When that grant runs out (null: until revoked). */
  expires_at: string | null;
}

/** How the operator is told of a new request: the request as JSON on stdin, never in argv. */
export type NotifyCommand =
  /** Run as is (argv[0] looked up in PATH). */
  | { argv: string[] }
  /** Run by `/bin/sh -c` (from the BOT_BOTTLE_NOTIFY environment variable). */
  | { shell: string };

/**
 * The sidecar's configuration: a JSON file (SUPERVISE_CONFIG_FILE in the bottle directory)
 * named by `--config`, re-read on SIGHUP.
 */
export interface SuperviseConfig {
  version: 1;
  bottle: string;
  /** Absolute path of the bottle's manifest directory (its requests' `project`). */
  project: string;
  /** The state database (SQLite, WAL) holding the queue. */
  state_db: string;
  /** The bottle's egress policy file, to answer at once for hosts already allowed or denied. */
  egress_policy_file: string;
  /** The bottle's git gate policy file (absent: no gate). */
  gate_policy_file?: string;
  /** The bottle's agents (a request names one of them). */
  agents: string[];
  /** What the agents may ask for. */
  kinds: RequestKind[];
  /** How long a tool call waits for a decision before answering "pending, id N". */
  wait_seconds: number;
  /** At most this many requests of this bottle pending at once. */
  max_pending: number;
  /** At most this many new requests of this bottle per hour. */
  per_hour: number;
  notify: NotifyCommand | null;
  /** Where its log goes (supervise.log) and the notify command's output. */
  log_dir: string;
}
