/**
 * What a request path asks for: `/NAME.git/SUFFIX` or `/NAME/SUFFIX` for upstream NAME, or
 * `/_undeclared/ORIGINAL/SUFFIX`, where the sandbox's gitconfig sends every git URL that is
 * not a declared upstream.
 */

import type { GitService } from "./pktline.ts";

export type Suffix =
  | { kind: "refs"; service: GitService | null }
  | { kind: "rpc"; service: GitService }
  | { kind: "other" };

export type Route =
  | { kind: "upstream"; name: string; suffix: Suffix }
  | { kind: "undeclared"; original: string; suffix: Suffix };

export const UNDECLARED_PREFIX = "/_undeclared/";
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SERVICES: readonly string[] = ["git-upload-pack", "git-receive-pack"];

function splitSuffix(path: string, query: URLSearchParams): { repo: string; suffix: Suffix } {
  const refs = path.match(/^(.*)\/info\/refs$/);
  if (refs !== null) {
    const service = query.get("service");
    return {
      repo: refs[1],
      suffix: {
        kind: "refs",
        service: service !== null && SERVICES.includes(service) ? service as GitService : null,
      },
    };
  }
  const rpc = path.match(/^(.*)\/(git-upload-pack|git-receive-pack)$/);
  if (rpc !== null) return { repo: rpc[1], suffix: { kind: "rpc", service: rpc[2] as GitService } };
  return { repo: path.replace(/\/(HEAD|objects\/.*)$/, ""), suffix: { kind: "other" } };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function route(pathname: string, query: URLSearchParams): Route {
  const { repo, suffix } = splitSuffix(pathname, query);
  if (repo.startsWith(UNDECLARED_PREFIX)) {
    return {
      kind: "undeclared",
      original: original(decode(repo.slice(UNDECLARED_PREFIX.length))),
      suffix,
    };
  }
  const name = repo.slice(1).replace(/\.git$/, "");
  if (!repo.startsWith("/") || !NAME.test(name) || name.includes("..")) {
    return { kind: "undeclared", original: decode(repo.replace(/^\/+/, "")), suffix };
  }
  return { kind: "upstream", name, suffix };
}

/**
 * The URL as the agent wrote it: the gitconfig sends `SCHEME://REST` to
 * `/_undeclared/SCHEME/REST` and `git@REST` to `/_undeclared/scp/REST`.
 */
function original(rest: string): string {
  const scheme = /^(ssh|https|http|git|ftp|ftps|scp)\/(.*)$/.exec(rest);
  if (scheme === null) return rest;
  return scheme[1] === "scp" ? `git@${scheme[2]}` : `${scheme[1]}://${scheme[2]}`;
}

/** The suggested manifest key for an undeclared URL: its last path segment without `.git`. */
function suggestedName(original: string): string {
  const last = original.replace(/\/+$/, "").split(/[/:]/).pop() ?? "";
  const name = last.replace(/\.git$/, "").replace(/[^A-Za-z0-9._-]/g, "-");
  return NAME.test(name) ? name : "NAME";
}

/** The message an agent sees for a repository that is not an upstream of its bottle. */
export function undeclaredMessage(bottle: string, original: string, declared: boolean): string {
  const shown = original.length > 300 ? `${original.slice(0, 300)}…` : original;
  const name = suggestedName(original);
  const remote = declared ? "…" : `"${shown}"`;
  return `"${shown}" is not an upstream of bottle ${bottle}: declare it under git: in the ` +
    `bottle manifest (git: { ${name}: { remote: ${remote} } })`;
}
