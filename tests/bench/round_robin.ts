import { failureReason, type RunResult } from "./proc.ts";
import type { Measurement } from "./report.ts";

export interface Peer {
  m: Measurement;
  run: () => Promise<RunResult>;
}

/**
 * Warm-up then `iterations` round-robin rounds over the peers; each round starts at a
 * different peer so that no peer always runs right after the same neighbour.
 */
export async function roundRobin(
  peers: Peer[],
  iterations: number,
  warmup: number,
  control: { stopped: () => boolean; log: (line: string) => void },
): Promise<void> {
  const active = peers.filter((p) => !p.m.unavailable);
  for (const peer of active) {
    let last: RunResult | null = null;
    let succeeded = false;
    for (let w = 0; w < Math.max(1, warmup); w++) {
      last = await peer.run();
      succeeded ||= last.ok;
    }
    if (!succeeded && last) peer.m.unavailable = failureReason(last);
  }
  const running = active.filter((p) => !p.m.unavailable);
  for (let round = 0; round < iterations && !control.stopped(); round++) {
    if (round % 5 === 0) control.log(`round ${round + 1}/${iterations}`);
    for (let k = 0; k < running.length; k++) {
      const peer = running[(round + k) % running.length];
      const result = await peer.run();
      if (result.ok) peer.m.samples.push(result.ms);
      else peer.m.failures.push(failureReason(result));
    }
  }
}
