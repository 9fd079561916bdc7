/**
 * Globs over `/`-separated names (branches, paths): `*` and `?` stay within one segment,
 * `**` spans segments (`a/**` matches everything under `a`, `**\/b` any `b`, `a/**\/b` also `a/b`).
 */

export type GlobMatcher = (name: string) => boolean;

function escape(char: string): string {
  return /[\\^$.*+?()[\]{}|]/.test(char) ? `\\${char}` : char;
}

export function globToRegExp(glob: string): RegExp {
  let source = "";
  let i = 0;
  while (i < glob.length) {
    if (glob.startsWith("**", i)) {
      const atStart = i === 0 || glob[i - 1] === "/";
      const slashAfter = glob[i + 2] === "/";
      if (atStart && slashAfter) {
        source += "(?:.*/)?";
        i += 3;
      } else if (atStart && i + 2 === glob.length && i > 0) {
        // `a/**`: drop the slash already emitted so `a` itself and anything below match.
        source = `${source.slice(0, -1)}(?:/.*)?`;
        i += 2;
      } else {
        source += ".*";
        i += 2;
      }
    } else if (glob[i] === "*") {
      source += "[^/]*";
      i += 1;
    } else if (glob[i] === "?") {
      source += "[^/]";
      i += 1;
    } else {
      source += escape(glob[i]);
      i += 1;
    }
  }
  return new RegExp(`^${source}$`);
}

/** A matcher true when any of `globs` matches. */
export function globMatcher(globs: readonly string[]): GlobMatcher {
  const patterns = globs.map(globToRegExp);
  return (name) => patterns.some((pattern) => pattern.test(name));
}

/**
 * Why `pattern` is not a branch glob, or null when it is: a branch name or glob without
 * `refs/heads/` (the manifest's rule for `push.branches`): no spaces or control characters,
 * none of `~^:?[\`, no `..`, no leading, trailing or doubled `/`.
 */
export function branchGlobProblem(pattern: string): string | null {
  // deno-lint-ignore no-control-regex
  if (pattern === "" || /[\x00-\x20\x7f~^:?[\\]|\.\.|^\/|\/$|\/\//.test(pattern)) {
    return `${JSON.stringify(pattern)} is not a branch pattern`;
  }
  if (pattern.startsWith("refs/")) {
    return `${JSON.stringify(pattern)}: write the branch without refs/heads/`;
  }
  return null;
}
