/**
 * What the bundle's separately supervised daemons (the git gate, the supervise server) share
 * as resources: their outputs (the supervisor process and the socket it serves), finding one
 * again after a crash mid-apply, observing it, and stopping it.
 */
import { join, resolve } from "node:path";
import { z } from "zod";
import type { Observation } from "../engine/resource_type.ts";
import { findSupervisor, stopSupervised, supervisedStatus } from "../sidecars/bundle/supervised.ts";

const processIdentity = z.object({ pid: z.number(), startTime: z.number() });
export const daemonOutputs = z.object({ supervisor: processIdentity, socket: z.string() });
export type DaemonOutputs = z.infer<typeof daemonOutputs>;

/** The daemon a resource records, else one found serving `runDir`'s `socketFile`, or null. */
export function daemonHandle(
  recorded: DaemonOutputs | null,
  runDir: string,
  daemon: string,
  socketFile: string,
): DaemonOutputs | null {
  if (recorded) return recorded;
  const dir = resolve(runDir);
  const supervisor = findSupervisor(dir, daemon);
  return supervisor === null ? null : { supervisor, socket: join(dir, socketFile) };
}

/** `read` of a daemon resource: missing when it never started or its supervisor is gone. */
export function observeDaemon(
  handle: DaemonOutputs | null,
  what: string,
  service: string,
): Promise<Observation<DaemonOutputs>> {
  if (handle === null) {
    return Promise.resolve({ status: "missing", reason: `no ${what} was started` });
  }
  const status = supervisedStatus(handle.supervisor, { [service]: handle.socket });
  if (status.state === "gone") {
    return Promise.resolve({ status: "missing", reason: `${what} ${status.reason}` });
  }
  return Promise.resolve({ status: "found", outputs: handle, drift: [] });
}

export async function stopDaemon(handle: DaemonOutputs | null): Promise<void> {
  if (handle) await stopSupervised(handle.supervisor, [handle.socket]);
}
