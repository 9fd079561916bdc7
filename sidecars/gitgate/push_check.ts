/**
 * The hook's question answered: policy, then secret scan, then the push upstream, for one
 * push to one mirror (serialized per mirror). Audits every ref's outcome.
 */

import type { DlpEngine } from "../egress/dlp/mod.ts";
import type { AuditRecord } from "./audit.ts";
import { forwardPush } from "./forward_run.ts";
import type { HookRequest } from "./hook_script.ts";
import type { KeyedLock } from "./lock.ts";
import { refFacts } from "./push_facts.ts";
import { changeOf, pushPolicy, type RefUpdate, type Verdict } from "./push_policy.ts";
import { commitOf, scanPush } from "./push_scan.ts";
import type { GateGrant, GateUpstream } from "./wire.ts";

export interface PushContext {
  upstream: GateUpstream;
  /** The supervise grants of the policy the push started under (checked at the hook). */
  grants: readonly GateGrant[];
  /** The bottle has supervise (refusals say the agent may ask). */
  supervise: boolean;
  token: string | null;
  /** Request body bytes received so far. */
  bytes: () => number;
}

export interface CheckDeps {
  bottle: string;
  baseEnv: Record<string, string>;
  /** The scan engine (built on first use). */
  dlp: () => Promise<DlpEngine>;
  lock: KeyedLock;
  audit: AuditRecord;
}

export interface HookAnswer {
  messages: string[];
  code: number;
}

function quarantineEnv(
  request: HookRequest,
  mirror: string,
  base: Record<string, string>,
): Record<string, string> {
  const { GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES, GIT_QUARANTINE_PATH } =
    request.env;
  // receive-pack makes no quarantine for a push without objects (deletions only).
  if (!GIT_QUARANTINE_PATH && !GIT_OBJECT_DIRECTORY) return { ...base, GIT_DIR: mirror };
  if (!GIT_QUARANTINE_PATH?.startsWith("/") || !GIT_OBJECT_DIRECTORY?.startsWith("/")) {
    throw new Error("the push's quarantine is not where the gate expects it");
  }
  return {
    ...base,
    GIT_DIR: mirror,
    GIT_OBJECT_DIRECTORY,
    GIT_ALTERNATE_OBJECT_DIRECTORIES: GIT_ALTERNATE_OBJECT_DIRECTORIES ?? "",
    GIT_QUARANTINE_PATH,
  };
}

export function checkPush(
  request: HookRequest,
  push: PushContext,
  deps: CheckDeps,
): Promise<HookAnswer> {
  const { upstream } = push;
  const record = (
    update: RefUpdate | null,
    verdict: "allow" | "deny" | "error",
    rule: string,
    message: string,
    grant?: number,
  ) =>
    deps.audit({
      bottle: deps.bottle,
      upstream: upstream.name,
      op: "push",
      ref: update?.ref ?? null,
      old: update?.old ?? null,
      new: update?.new ?? null,
      verdict,
      rule,
      ...(grant === undefined ? {} : { grant }),
      bytes: push.bytes(),
      message,
    });
  const refuse = (
    verdict: "deny" | "error",
    rule: string,
    message: string,
    culprit: RefUpdate | null,
  ): HookAnswer => {
    for (const update of request.updates) {
      const mine = culprit === null || update.ref === culprit.ref;
      record(
        update,
        verdict,
        mine ? rule : "push:atomic",
        mine ? message : "refused with the rest of the push",
      );
    }
    return { messages: [`gate: push refused: ${message}`], code: 1 };
  };

  return deps.lock.run(upstream.mirror, async () => {
    try {
      if (push.bytes() > upstream.push.max_push_bytes) {
        return refuse(
          "deny",
          "push:max-bytes",
          `the push is ${push.bytes()} bytes, more than max_push_bytes (${upstream.push.max_push_bytes})`,
          null,
        );
      }
      const env = quarantineEnv(request, upstream.mirror, deps.baseEnv);
      // Grants are live while expires_at is later than now, the time of this check.
      const decide = pushPolicy(upstream.name, upstream.push, {
        grants: push.grants,
        now: Date.now(),
        supervise: push.supervise,
      });
      const verdicts: Verdict[] = [];
      for (const update of request.updates) {
        verdicts.push(decide(update, await refFacts(env, update)));
      }
      const denied = verdicts.find((verdict) => !verdict.allow);
      if (denied !== undefined) {
        for (const [i, update] of request.updates.entries()) {
          const verdict = verdicts[i];
          record(
            update,
            "deny",
            verdict.allow ? "push:atomic" : verdict.rule,
            verdict.allow ? "refused with the rest of the push" : verdict.message,
          );
        }
        const reasons = verdicts.filter((v) => !v.allow).map((v) => `gate: ${v.ref}: ${v.message}`);
        return { messages: ["gate: push refused by policy", ...reasons], code: 1 };
      }

      const tips = request.updates.filter((u) => changeOf(u) !== "delete").map((u) => u.new);
      const scan = await scanPush(env, tips, await deps.dlp(), upstream.host);
      if (scan.blocked !== null) {
        const { blocked } = scan;
        const commit = blocked.type === "blob" || blocked.type === "tree"
          ? await commitOf(env, blocked.oid, tips)
          : null;
        const where = commit === null
          ? blocked.where
          : `${blocked.where} in commit ${commit.slice(0, 12)}`;
        const culprit = request.updates.find((u) => tips.includes(u.new)) ?? null;
        return refuse(
          "deny",
          `dlp:${blocked.rule}`,
          `${where} looks like it holds a secret (rule ${blocked.rule}: ${blocked.detail}); ` +
            `remove it from every pushed commit (rewrite the history) and push again`,
          request.updates.length === 1 ? culprit : null,
        );
      }

      const forwarded = await forwardPush(env, upstream, push.token, request.updates);
      if (!forwarded.ok) {
        const verdict = forwarded.refused ? "deny" : "error";
        for (const update of request.updates) {
          record(update, verdict, "upstream", forwarded.lines.join("; ").slice(0, 2000));
        }
        return {
          messages: [
            `gate: upstream ${upstream.name} refused the push:`,
            ...forwarded.lines.map((l) => `  ${l}`),
          ],
          code: 1,
        };
      }
      const warned = scan.warnings.length > 0 ? `; DLP warnings: ${scan.warnings.join(", ")}` : "";
      for (const [i, update] of request.updates.entries()) {
        record(
          update,
          "allow",
          verdicts[i].rule,
          `${verdicts[i].message}, pushed upstream${warned}`,
          verdicts[i].grant,
        );
      }
      return {
        messages: [`gate: pushed to upstream ${upstream.name} (${scan.objects} objects scanned)`],
        code: 0,
      };
    } catch (error) {
      return refuse(
        "error",
        "push:error",
        `the gate could not check the push: ${(error as Error).message}`,
        null,
      );
    }
  });
}
