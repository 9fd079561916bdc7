/**
 * The secrets file (`secrets.json`, mode 0600, in the bottle directory, outside the
 * sandbox): the real values the egress proxy injects, written by the engine at apply time
 * from the operator's environment or files. Only the egress daemon reads it.
 */
export interface InjectedSecret {
  /** The route it belongs to: host and optional path prefix, as in the policy. */
  host: string;
  path_prefix?: string;
  scheme: "bearer" | "x-api-key" | "basic" | "header";
  /** Header name for scheme `header`. */
  header?: string;
  /** The real value (for `basic`: `user:password`). */
  value: string;
  /** What the agent holds instead: swapped for the real value on this route only. */
  placeholder: string;
}

export interface SecretsFile {
  version: 1;
  bottle: string;
  secrets: InjectedSecret[];
}
