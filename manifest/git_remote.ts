/**
 * A git upstream's URL, as a manifest writes it: scp-like `[user@]host:path`, `ssh://`,
 * `https://` or `http://`. Pure: parsing, and the other spellings of the same repository that
 * the bottle's gitconfig sends to the gate.
 */

export type GitTransport = "ssh" | "https" | "http";

export interface GitRemote {
  transport: GitTransport;
  /** Lower-case host name or IP literal (IPv6 without brackets). */
  host: string;
  /** Only when the URL names one. */
  port?: number;
  /** `git` in `git@github.com:org/repo.git`; absent when the URL names none. */
  user?: string;
  /** The repository path without its leading `/` (scp-like paths are kept as written). */
  path: string;
}

export class GitRemoteError extends Error {
  override name = "GitRemoteError";
  constructor(message: string, readonly hint: string) {
    super(message);
  }
}

const HINT = "write `git@host:org/repo.git`, `ssh://git@host:port/org/repo.git` or " +
  "`https://host/org/repo.git`";
const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const USER = /^[A-Za-z0-9._-]{1,64}$/;

export function parseGitRemote(url: string): GitRemote {
  if (/\s/.test(url) || [...url].some((c) => c.charCodeAt(0) < 0x20 || c === "\x7f")) {
    throw new GitRemoteError(`git remote "${url}" holds spaces or control characters`, HINT);
  }
  if (/(^|[/:])\.\.?(\/|$)/.test(url)) {
    throw new GitRemoteError(`git remote "${url}" holds a "." or ".." path segment`, HINT);
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined) return parseUrl(url, scheme);
  const scp = /^(?:([^@/:]+)@)?([^@/:\[\]]+|\[[0-9a-fA-F:.]+\]):(?!\/\/)(.+)$/.exec(url);
  if (scp === null) throw new GitRemoteError(`"${url}" is not a git remote URL`, HINT);
  const [, user, rawHost, path] = scp;
  return checked({
    transport: "ssh",
    host: rawHost.replace(/^\[|\]$/g, "").toLowerCase(),
    ...(user === undefined ? {} : { user }),
    path: path.replace(/^\/+/, ""),
  }, url);
}

function parseUrl(url: string, scheme: string): GitRemote {
  if (scheme !== "ssh" && scheme !== "https" && scheme !== "http") {
    const hint = scheme === "git"
      ? "git:// has no authentication or integrity; use the https:// or ssh:// URL"
      : HINT;
    throw new GitRemoteError(`git remote "${url}": ${scheme}:// is not supported`, hint);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GitRemoteError(`"${url}" is not a valid URL`, HINT);
  }
  if (parsed.password !== "" || (scheme !== "ssh" && parsed.username !== "")) {
    throw new GitRemoteError(
      `git remote "${url}" holds a credential`,
      "remove it from the URL and give it as `credential: {env: …}` or `{file: …}`",
    );
  }
  if (parsed.search !== "" || parsed.hash !== "") {
    throw new GitRemoteError(`git remote "${url}" has a query or fragment`, HINT);
  }
  return checked({
    transport: scheme,
    host: parsed.hostname.replace(/^\[|\]$/g, "").toLowerCase(),
    ...(parsed.port === "" ? {} : { port: Number(parsed.port) }),
    ...(parsed.username === "" ? {} : { user: decodeURIComponent(parsed.username) }),
    path: decodeURIComponent(parsed.pathname).replace(/^\/+/, ""),
  }, url);
}

function checked(remote: GitRemote, url: string): GitRemote {
  const isIp = remote.host.includes(":") || /^[0-9.]+$/.test(remote.host);
  if (!isIp && !HOST.test(remote.host)) {
    throw new GitRemoteError(`git remote "${url}": "${remote.host}" is not a host name`, HINT);
  }
  if (remote.user !== undefined && !USER.test(remote.user)) {
    throw new GitRemoteError(`git remote "${url}": "${remote.user}" is not a user name`, HINT);
  }
  const segments = remote.path.split("/");
  if (remote.path === "" || segments.some((s) => s === "" || s === "." || s === "..")) {
    throw new GitRemoteError(`git remote "${url}" names no repository path`, HINT);
  }
  return remote;
}

/** `host` or `[v6]`, with `:port` when the URL named one. */
export function hostPort(remote: GitRemote): string {
  const host = remote.host.includes(":") ? `[${remote.host}]` : remote.host;
  return remote.port === undefined ? host : `${host}:${remote.port}`;
}

/**
 * The spellings of the same repository a checkout's remote may use: the URL as written, its
 * scp-like, ssh:// and https:// forms on the same host (with and without `.git`). Longest
 * first, so the gitconfig lists the most specific rewrite first (git takes the longest match
 * anyway).
 */
export function remoteSpellings(written: string, remote: GitRemote): string[] {
  const bare = remote.path.replace(/\.git$/, "");
  const user = remote.user ?? "git";
  const host = remote.host.includes(":") ? `[${remote.host}]` : remote.host;
  const spellings = new Set<string>([written]);
  for (const path of [`${bare}.git`, bare]) {
    if (remote.port === undefined) {
      spellings.add(`${user}@${host}:${path}`);
      spellings.add(`ssh://${user}@${host}/${path}`);
      spellings.add(`ssh://${host}/${path}`);
      spellings.add(`https://${host}/${path}`);
    } else if (remote.transport === "ssh") {
      // A checkout's copy in the bottle loses `user@` (the workspace keeps no credentials).
      spellings.add(`ssh://${user}@${hostPort(remote)}/${path}`);
      spellings.add(`ssh://${hostPort(remote)}/${path}`);
    } else {
      spellings.add(`${remote.transport}://${hostPort(remote)}/${path}`);
    }
  }
  return [...spellings].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}
