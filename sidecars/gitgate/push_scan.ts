/**
 * The secret scan of a push: every object the push adds (blobs, commits, tags) streams from
 * `git cat-file --batch` through the egress DLP engine, one body scan per object, so memory
 * stays bounded by the engine's own buffers whatever the push's size. The first blocking
 * finding stops the scan.
 */

import { BatchParser } from "./batch_parser.ts";
import { failure, runGit } from "./git_run.ts";
import { TreeBuffer, treeNames } from "./tree_names.ts";
import type { BodyScan, DlpEngine, DlpFinding } from "../egress/dlp/mod.ts";

const TIMEOUT_MS = 300_000;
/** A pushed tree larger than this is refused rather than its names left unscanned. */
export const MAX_TREE_BYTES = 16 << 20;

export interface Blocked {
  rule: string;
  /** Where, secret-free: `file "a/b.txt" (blob 1234abcd…)`, `commit message 1234abcd…`. */
  where: string;
  detail: string;
  oid: string;
  type: string;
}

export interface ScanResult {
  blocked: Blocked | null;
  /** Non-blocking findings, `rule in WHERE`. */
  warnings: string[];
  /** Bytes of object content scanned. */
  bytes: number;
  objects: number;
}

/** `git rev-list --objects` output → object id and path (empty for commits and tags). */
export function parseObjectList(text: string): Map<string, string> {
  const objects = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const space = line.indexOf(" ");
    const oid = space < 0 ? line : line.slice(0, space);
    if (!objects.has(oid)) objects.set(oid, space < 0 ? "" : line.slice(space + 1));
  }
  return objects;
}

function describe(type: string, oid: string, path: string): string {
  const short = oid.slice(0, 12);
  if (type === "blob") return `file "${path}" (blob ${short})`;
  if (type === "commit") return `the commit ${short} (its message or identities)`;
  if (type === "tag") return `the tag object ${short}${path === "" ? "" : ` "${path}"`}`;
  // Not the path: the name found may be in it.
  if (type === "tree") return `a file or directory name in tree ${short}`;
  return `${type} ${short}`;
}

export async function scanPush(
  env: Record<string, string>,
  tips: string[],
  engine: DlpEngine,
  host: string,
): Promise<ScanResult> {
  const result: ScanResult = { blocked: null, warnings: [], bytes: 0, objects: 0 };
  if (tips.length === 0) return result;
  const listed = await runGit(["rev-list", "--objects", ...tips, "--not", "--all"], {
    env,
    timeoutMs: TIMEOUT_MS,
    maxOutput: 256 << 20,
  });
  if (listed.code !== 0 || listed.truncated) {
    throw new Error(failure(listed, "listing the pushed objects"));
  }
  const objects = parseObjectList(listed.stdout);
  if (objects.size === 0) return result;

  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const child = new Deno.Command("git", {
    args: ["cat-file", "--batch"],
    env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    signal: timeout,
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const writing = (async () => {
    const writer = child.stdin.getWriter();
    try {
      await writer.write(new TextEncoder().encode([...objects.keys()].join("\n") + "\n"));
      await writer.close();
    } catch {
      // cat-file was stopped early (a finding); nothing more to send.
    }
  })();

  let scan: BodyScan | null = null;
  let tree: TreeBuffer | null = null;
  let current = { oid: "", type: "" };
  const take = (findings: DlpFinding[]): void => {
    for (const finding of findings) {
      const where = describe(current.type, current.oid, objects.get(current.oid) ?? "");
      if (finding.action === "block" && result.blocked === null) {
        result.blocked = { rule: finding.rule, where, detail: finding.detail, ...current };
      } else if (finding.action !== "block") {
        result.warnings.push(`${finding.rule} in ${where}`);
      }
    }
  };
  const parser = new BatchParser({
    start(oid, type): void {
      current = { oid, type };
      result.objects += 1;
      scan = engine.scanBody(host, null, null);
      tree = type === "tree" ? new TreeBuffer(MAX_TREE_BYTES) : null;
    },
    data(chunk): void {
      if (scan === null) return;
      result.bytes += chunk.length;
      if (tree === null) take(scan.push(chunk));
      else if (!tree.push(chunk)) {
        result.blocked ??= {
          rule: "tree-size",
          where: describe(current.type, current.oid, ""),
          detail: `a tree object larger than ${MAX_TREE_BYTES} bytes is not scanned`,
          ...current,
        };
        tree = null;
        scan = null;
      }
    },
    end(): void {
      if (scan !== null && tree !== null) {
        // A tree's entry names (its oids are binary), each as a full path.
        const names = treeNames(
          tree.bytes(),
          current.oid.length / 2,
          objects.get(current.oid) ?? "",
        );
        take(scan.push(new TextEncoder().encode(names.join("\n") + "\n")));
      }
      if (scan !== null) take(scan.end());
      scan = null;
      tree = null;
    },
  });
  const reader = child.stdout.getReader();
  try {
    while (result.blocked === null) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.push(value);
    }
  } finally {
    if (result.blocked !== null) {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
      await reader.cancel().catch(() => {});
    }
    reader.releaseLock();
  }
  const [status, errors] = await Promise.all([child.status, stderr, writing]);
  if (result.blocked !== null) return result;
  if (status.code !== 0 || !parser.complete) {
    throw new Error(
      timeout.aborted
        ? "the secret scan timed out"
        : `git cat-file failed (exit ${status.code}): ${errors.trim()}`,
    );
  }
  return result;
}

/** The pushed commit that introduced `oid` (for a blob found holding a secret). */
export async function commitOf(
  env: Record<string, string>,
  oid: string,
  tips: string[],
): Promise<string | null> {
  const found = await runGit(
    ["log", "--format=%H", "-1", `--find-object=${oid}`, ...tips, "--not", "--all"],
    { env, timeoutMs: 60_000 },
  );
  const line = found.stdout.trim().split("\n")[0];
  return found.code === 0 && line !== "" ? line : null;
}
