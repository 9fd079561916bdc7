/**
 * `bottle grants --persist N`: a grant written into its bottle's manifest file, so it is
 * reviewed and committed like code. An egress grant becomes an `egress.allow` entry
 * (`host` or `host:port`), a git grant a `push.branches` pattern of its upstream. The YAML is
 * edited as a document (comments and order kept); the grant is then marked persisted, which
 * takes it out of the layering, and the bottle's policy is updated in place as for approve.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { type Document, isMap, isSeq, parseDocument } from "yaml";
import { splitFrontmatter } from "../manifest/frontmatter.ts";
import { displayPath } from "../manifest/mod.ts";
import { markGrant, type SuperviseGrant } from "../sidecars/supervise/queue.ts";
import type { EgressAsk, GitAsk } from "../sidecars/supervise/wire.ts";
import { compileManifests } from "./compile.ts";
import { UserError } from "./errors.ts";
import type { ExecuteOptions } from "./execute.ts";
import { type LockOptions, withWriterLock } from "./locking.ts";
import type { Session } from "./session.ts";
import { applyPolicy, grantOrFail, inProjectOrFail } from "./supervise_grants.ts";
import { liveGrants } from "./supervise_queue.ts";

export interface Persisted {
  /** The manifest file written, as the operator would name it. */
  file: string;
  /** What was added, e.g. `egress.allow += api.example.com`. */
  change: string;
}

export function persistGrant(
  session: Session,
  id: number,
  options: LockOptions & ExecuteOptions = {},
): Promise<Persisted> {
  return withWriterLock(session, "persist", options, async () => {
    const now = new Date();
    const grant = grantOrFail(session, id);
    inProjectOrFail(session, grant);
    if (!liveGrants(session.store.db, session.project, now).some((live) => live.id === id)) {
      throw new UserError(`grant ${id} is not in force; only a live grant can be persisted`);
    }
    const { project } = await compileManifests(session);
    const manifest = project.bottles.get(grant.bottle);
    if (!manifest) throw new UserError(`bottle ${grant.bottle} is no longer in ${session.project}`);
    const text = readFileSync(manifest.file, "utf8");
    const front = splitFrontmatter(manifest.file, text);
    const doc = parseDocument(front.yaml);
    const change = grant.kind === "egress"
      ? addAllow(doc, grant)
      : addBranch(doc, grant, manifest.git[(grant.payload as GitAsk).upstream]?.push?.branches);
    const file = displayPath(manifest.file, session.cwd);
    if (change !== null) {
      const lines = text.replaceAll("\r\n", "\n").split("\n");
      const body = lines.slice(front.closingLine).join("\n");
      writeFileSync(manifest.file, `---\n${doc.toString()}---\n${body}`);
    }
    markGrant(session.store.db, id, "persisted_at", now);
    if (session.store.forBottle(grant.bottle).length > 0) {
      await applyPolicy(
        session,
        grant.kind,
        grant.bottle,
        liveGrants(session.store.db, session.project, now),
        options,
      );
    }
    return { file, change: change ?? "the manifest already allowed it" };
  });
}

function refuseInherited(doc: Document, key: string): void {
  if (!doc.has(key) && doc.has("extends")) {
    throw new UserError(
      `the bottle inherits \`${key}\` through \`extends\`; writing it here would replace ` +
        "the inherited one whole",
      `add it by hand to the file that declares \`${key}\``,
    );
  }
}

function addAllow(doc: Document, grant: SuperviseGrant): string | null {
  const ask = grant.payload as EgressAsk;
  if (ask.path_prefix !== undefined) {
    throw new UserError(
      `grant ${grant.id} is limited to the path ${ask.path_prefix}, which an allow rule ` +
        "cannot express",
      "add the host to `egress.allow` by hand if the whole host may be reached",
    );
  }
  refuseInherited(doc, "egress");
  const rule = ask.port === undefined ? ask.host : `${ask.host}:${ask.port}`;
  const allow = doc.getIn(["egress", "allow"]);
  if (isSeq(allow) && allow.items.some((item) => String(item) === rule)) return null;
  if (isSeq(allow)) allow.add(rule);
  else if (isMap(doc.get("egress"))) doc.setIn(["egress", "allow"], [rule]);
  else doc.set("egress", { allow: [rule] });
  return `egress.allow += ${rule}`;
}

function addBranch(
  doc: Document,
  grant: SuperviseGrant,
  declared: readonly string[] | undefined,
): string | null {
  const ask = grant.payload as Required<GitAsk>;
  if (declared === undefined) return null;
  refuseInherited(doc, "git");
  const path = ["git", ask.upstream, "push", "branches"];
  const branches = doc.getIn(path);
  if (!isSeq(branches)) {
    throw new UserError(
      `the push branches of upstream ${ask.upstream} are not written in this file`,
      `add ${ask.branch} to its \`push.branches\` by hand`,
    );
  }
  if (branches.items.some((item) => String(item) === ask.branch)) return null;
  branches.add(ask.branch);
  return `git.${ask.upstream}.push.branches += ${ask.branch}`;
}
