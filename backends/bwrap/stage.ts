/**
 * Staging, for a root operator: bwrap runs as the unprivileged sandbox owner, which cannot
 * reach the bottle's files under root's state directory (`/root` is 0700), and bwrap resolves
 * every bind source with the caller's permissions (`--bind-fd` too). So the launcher, still
 * root, enters a private mount namespace, mounts a tmpfs at STAGE_ROOT, binds each private
 * source into it, and only then becomes the owner and runs bwrap on the staged paths. Nothing
 * is mounted on the host. The staged paths keep the bottle's run directory in their name, so
 * the host's process list still shows which bottle a bwrap belongs to (pid 1 inside is our
 * init, so the sandbox never sees this command line).
 */

/** Where the private staging tmpfs is mounted (inside the launcher's mount namespace only). */
export const STAGE_ROOT = "/run/bot-bottle/stage";

/** A host path bwrap binds that only the operator can reach. */
export interface StagedSource {
  host: string;
  kind: "dir" | "file";
}

/** Every bottle's staged paths start with this prefix; `find` uses it to recognise a bwrap. */
export function stagePrefix(runDir: string): string {
  return `${STAGE_ROOT}${runDir.startsWith("/") ? "" : "/"}${runDir}`;
}

/** The staged path of the `index`th source. */
export function stagedPath(runDir: string, index: number): string {
  return `${stagePrefix(runDir)}/${index}`;
}

/**
 * Replaces each bind source in `options` that is one of `sources` by its staged path.
 * Only the argument after a bind option is a source; destinations are left alone.
 */
export function stageOptions(
  options: readonly string[],
  sources: readonly StagedSource[],
  runDir: string,
): string[] {
  const index = new Map(sources.map((source, i) => [source.host, i]));
  const out = [...options];
  for (let i = 0; i < out.length - 1; i++) {
    if (!BIND_OPTIONS.has(out[i])) continue;
    const at = index.get(out[i + 1]);
    if (at !== undefined) out[i + 1] = stagedPath(runDir, at);
    i += 2;
  }
  return out;
}

const BIND_OPTIONS = new Set(["--bind", "--ro-bind", "--bind-try", "--ro-bind-try"]);

/**
 * bash that runs as root in a fresh private mount namespace (`unshare --mount
 * --propagation private`): mounts the staging tmpfs, binds the sources, then execs the rest
 * of its arguments. Arguments: the stage root and prefix, then `kind path` pairs, then `--`.
 */
const STAGE_SCRIPT = [
  "set -e",
  "root=$1 prefix=$2; shift 2",
  'mount -t tmpfs -o mode=0755,size=64k,nosuid,nodev,noexec bot-bottle-stage "$root"',
  'mkdir -p -m 0755 "$prefix"',
  "i=0",
  'while [ "$1" != -- ]; do',
  '  if [ "$1" = dir ]; then mkdir "$prefix/$i"; else : >"$prefix/$i"; fi',
  '  mount --bind "$2" "$prefix/$i"',
  "  i=$((i + 1)); shift 2",
  "done",
  "shift",
  "set +e",
  'exec "$@"',
].join("\n");

/** The argv prefix that stages `sources` and then runs what follows it. */
export function stagingArgv(
  tools: { unshare: string; bash: string },
  sources: readonly StagedSource[],
  runDir: string,
): string[] {
  return [
    tools.unshare,
    "--mount",
    "--propagation",
    "private",
    "--",
    tools.bash,
    "-c",
    STAGE_SCRIPT,
    "bottle-stage",
    STAGE_ROOT,
    stagePrefix(runDir),
    ...sources.flatMap((source) => [source.kind, source.host]),
    "--",
  ];
}
