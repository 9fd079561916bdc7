/**
 * Watching a short grant run out from inside the bottle: a shell loop curls the host through
 * the proxy every 50 ms and prints `EPOCH_MS STATUS`, until it has seen it allowed and then
 * refused three times (at most 300 tries or 25 s); the timeline is read back against the
 * grant's expiry. Nothing may be reloaded or restarted for it to stop.
 */
import { join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { expectCode, type World } from "./harness.ts";
import {
  callTool,
  execIn,
  hostOf,
  longLivedProcesses,
  pendingRequest,
  requestById,
} from "./supervise_world.ts";

/** The loop, for `sh -c` inside the sandbox. */
export function pollScript(host: string): string {
  return `end=$(( $(date +%s) + 25 )); n=0; ok=0; after=0
while [ "$n" -lt 300 ] && [ "$(date +%s)" -lt "$end" ]; do
  n=$((n + 1))
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 http://${host}/tick-$n)
  echo "$(date +%s%3N) $code"
  if [ "$code" = 200 ]; then ok=1; elif [ "$ok" = 1 ]; then
    after=$((after + 1)); [ "$after" -ge 3 ] && break
  fi
  sleep 0.05
done`;
}

export interface ExpiryTimeline {
  /** Answers 200. */
  okCount: number;
  /** When the last 200 was read (ms since the epoch); NaN when none. */
  lastOkMs: number;
  /** Refusals (403) read after the first 200. */
  refusedAfter: number;
  /** When the first of those was read; NaN when none. */
  firstRefusedAfterMs: number;
  summary: string;
}

export function expiryTimeline(output: string, expiresAtMs: number): ExpiryTimeline {
  const rows = output.trim().split("\n").map((line) => {
    const [time, code] = line.trim().split(" ");
    return { ms: Number(time), code };
  });
  const firstOk = rows.findIndex((row) => row.code === "200");
  const oks = rows.filter((row) => row.code === "200");
  const refused = firstOk < 0 ? [] : rows.slice(firstOk).filter((row) => row.code === "403");
  const lastOkMs = oks.at(-1)?.ms ?? NaN;
  const firstRefusedAfterMs = refused[0]?.ms ?? NaN;
  const firstOkMs = oks[0]?.ms ?? NaN;
  return {
    okCount: oks.length,
    lastOkMs,
    refusedAfter: refused.length,
    firstRefusedAfterMs,
    summary: `${rows.length} tries; allowed ${oks.length}× from ${
      (firstOkMs - expiresAtMs).toFixed(0)
    } ms to ${(lastOkMs - expiresAtMs).toFixed(0)} ms of the expiry; refused again ${
      (firstRefusedAfterMs - expiresAtMs).toFixed(0)
    } ms after it`,
  };
}

/** What shows a reload: the policy file, and the proxy's record of the policy in force. */
async function policyState(world: World, bottle: string): Promise<string> {
  const dir = join(world.stateDir, "bottles", bottle);
  const marker = await Deno.stat(join(dir, "logs", "egress.policy-loaded"));
  return `${await Deno.readTextFile(join(dir, "policy.json"))}\n` +
    `marker ${marker.ino} ${marker.mtime?.toISOString()}`;
}

/**
 * `agent` of `bottle` asks for `host` (curl to the door), the operator approves it
 * `--for 2s`: the host is let through, then refused from the expiry on, by the same processes
 * (`processes`, from longLivedProcesses) and the same policy; the next plan withdraws it.
 */
export async function checkGrantRunsOut(
  world: World,
  bottle: string,
  agent: string,
  host: string,
  processes: string[],
): Promise<void> {
  const asking = callTool(world, bottle, agent, "request_egress", {
    host,
    reason: "two seconds only",
  });
  const request = await pendingRequest(world, host, (r) => hostOf(r) === host);
  const polling = execIn(world, bottle, ["sh", "-c", pollScript(host)]);
  expectCode(
    await world.cli(["approve", String(request.id), "--for", "2s"]),
    0,
    "approve --for 2s",
  );
  const inForce = await policyState(world, bottle);
  const answer = await asking;
  assertMatch(
    answer.text,
    new RegExp(`^approved \\(request ${request.id}\\): egress to ${host} is allowed until `),
  );
  const polled = await polling;
  expectCode(polled, 0, "the polling loop");
  const expiresAt = Date.parse((await requestById(world, request.id)).expires_at ?? "");
  const timeline = expiryTimeline(polled.stdout, expiresAt);
  console.log(`expiry: ${timeline.summary}`);
  assert_(timeline.okCount > 0, `never let through:\n${polled.stdout}`);
  assert_(timeline.refusedAfter >= 3, `not refused after the expiry:\n${polled.stdout}`);
  assert_(timeline.firstRefusedAfterMs >= expiresAt, `refused early:\n${polled.stdout}`);
  assert_(timeline.lastOkMs <= expiresAt + 1000, `let through late:\n${polled.stdout}`);
  const late = await execIn(world, bottle, [
    "sh",
    "-c",
    `curl -sS -i --max-time 10 http://${host}/late 2>&1; true`,
  ]);
  assertMatch(late.stdout, /^HTTP\/1\.1 403/);
  assertMatch(late.stdout, /granted by supervise \(request \d+\) until .*which has passed/);
  assertEquals(await policyState(world, bottle), inForce, "the policy was reloaded");
  assertEquals(longLivedProcesses(world, bottle), processes);
  const plan = await world.cli(["plan", "--detailed-exitcode"]);
  expectCode(plan, 2, "plan after the expiry (the grant withdrawn)");
  assertMatch(plan.stdout, new RegExp(`~ egress_policy\\.${bottle}`));
  expectCode(await world.cli(["apply", "--yes"]), 0, "apply after the expiry");
  expectCode(await world.cli(["plan", "--detailed-exitcode"]), 0, "plan after that apply");
}
