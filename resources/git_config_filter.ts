/**
 * The `.git/config` a bottle's workspace gets: only what a repository needs to work, from an
 * allowlist. Everything else the operator's config may hold — credential helpers,
 * `http.*.extraheader` tokens, `include`/`includeIf`, `core.sshCommand`, `core.fsmonitor`,
 * `core.hooksPath`, `url.*.insteadOf` … — is dropped, and userinfo is cut out of remote URLs.
 */

/** One entry as `git config --list -z` prints it; `value` is null for a bare boolean key. */
export interface ConfigEntry {
  /** `section.name` or `section.subsection.name`; section and name are lower case. */
  key: string;
  value: string | null;
}

const CORE_KEYS = new Set([
  "repositoryformatversion",
  "filemode",
  "bare",
  "logallrefupdates",
  "ignorecase",
  "symlinks",
  "autocrlf",
  "eol",
]);
const REMOTE_KEYS = new Set(["url", "pushurl", "fetch"]);
const REMOTE_URL_KEYS = new Set(["url", "pushurl"]);
const BRANCH_KEYS = new Set(["remote", "merge", "rebase"]);

const SECTION = /^[a-z0-9-]+$/;
const NAME = /^[a-z][a-z0-9-]*$/;

interface Key {
  section: string;
  subsection: string | null;
  name: string;
}

/** Splits `git config --list -z` output: entries are `key\nvalue\0`, or `key\0` alone. */
export function parseConfigList(output: string): ConfigEntry[] {
  return output.split("\0").filter((item) => item !== "").map((item) => {
    const newline = item.indexOf("\n");
    return newline < 0
      ? { key: item, value: null }
      : { key: item.slice(0, newline), value: item.slice(newline + 1) };
  });
}

/** The allowed entries, in order, with remote URLs stripped of credentials. */
export function allowedEntries(entries: readonly ConfigEntry[]): ConfigEntry[] {
  const kept: ConfigEntry[] = [];
  for (const entry of entries) {
    const key = splitKey(entry.key);
    if (key === null || !isAllowed(key)) continue;
    const strip = key.section === "remote" && REMOTE_URL_KEYS.has(key.name) &&
      entry.value !== null;
    kept.push(strip ? { key: entry.key, value: stripUserinfo(entry.value ?? "") } : entry);
  }
  return kept;
}

function isAllowed({ section, subsection, name }: Key): boolean {
  if (subsection === null) {
    return (section === "core" && CORE_KEYS.has(name)) || section === "extensions";
  }
  if (section === "remote") return REMOTE_KEYS.has(name);
  if (section === "branch") return BRANCH_KEYS.has(name);
  return false;
}

/**
 * Removes the userinfo (`user:password@`, `token@`) from a `scheme://` URL. scp-like
 * addresses (`git@host:path`) and local paths cannot hold a password and stay as they are.
 */
export function stripUserinfo(url: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/s.exec(url);
  if (match === null) return url;
  const [, scheme, authority, rest] = match;
  const at = authority.lastIndexOf("@");
  return at < 0 ? url : `${scheme}${authority.slice(at + 1)}${rest}`;
}

/** A config file holding `entries`; consecutive entries of one section share a header. */
export function renderConfig(entries: readonly ConfigEntry[]): string {
  const lines: string[] = [];
  let header = "";
  for (const entry of entries) {
    const key = splitKey(entry.key);
    if (key === null) continue;
    const next = key.subsection === null
      ? `[${key.section}]`
      : `[${key.section} "${escapeSubsection(key.subsection)}"]`;
    if (next !== header) lines.push(next);
    header = next;
    lines.push(entry.value === null ? `\t${key.name}` : `\t${key.name} = ${quote(entry.value)}`);
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

/** `section[.subsection].name`; the subsection may itself hold dots. Null when malformed. */
function splitKey(key: string): Key | null {
  const first = key.indexOf(".");
  const last = key.lastIndexOf(".");
  if (first <= 0 || last === key.length - 1) return null;
  const section = key.slice(0, first).toLowerCase();
  const name = key.slice(last + 1).toLowerCase();
  const subsection = first === last ? null : key.slice(first + 1, last);
  if (!SECTION.test(section) || !NAME.test(name)) return null;
  if (subsection !== null && /[\n\0]/.test(subsection)) return null;
  return { section, subsection, name };
}

function escapeSubsection(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll('"', '\\"');
}

function quote(value: string): string {
  const escaped = value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')
    .replaceAll("\n", "\\n").replaceAll("\t", "\\t").replaceAll("\b", "\\b");
  return `"${escaped}"`;
}
