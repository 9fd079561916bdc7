/**
 * Forwarding an accepted push upstream, from the hook (the pushed objects are still in the
 * quarantine, visible through its environment). Atomic, and every ref leased on the value
 * the mirror had: if upstream moved meanwhile, nothing is pushed and the agent must fetch.
 */

import { changeOf, type RefUpdate } from "./push_policy.ts";

export function pushArgs(remote: string, updates: readonly RefUpdate[]): string[] {
  const leases = updates.map((u) =>
    `--force-with-lease=${u.ref}:${changeOf(u) === "create" ? "" : u.old}`
  );
  const refspecs = updates.map((
    u,
  ) => (changeOf(u) === "delete" ? `:${u.ref}` : `${u.new}:${u.ref}`));
  return ["push", "--porcelain", "--atomic", "--no-verify", ...leases, "--", remote, ...refspecs];
}

/** The lines of `git push --porcelain` and its stderr worth showing the pusher. */
export function pushReport(stdout: string, stderr: string): string[] {
  const porcelain = stdout.split("\n").filter((line) => /^[!=*+\- ]\t/.test(line)).map((line) => {
    const [, refs, summary] = line.split("\t");
    return `${refs?.split(":")[1] ?? refs}: ${summary ?? ""}`.trim();
  });
  const remote = stderr.split("\n").map((line) => line.trimEnd())
    .filter((line) => line !== "" && !/^To /.test(line) && line !== "Done")
    .map((line) => line.replace(/^remote: ?/, "upstream: "));
  return [...remote, ...porcelain];
}
