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

/** mount(2) by architecture, and the flags used here (linux/mount.h). */
const MOUNT_SYSCALL: Record<string, number> = { x86_64: 165, aarch64: 40 };
const MS_NOSUID = 0x2;
const MS_NODEV = 0x4;
const MS_NOEXEC = 0x8;
const MS_BIND = 0x1000;

/**
 * perl that runs as root in a fresh private mount namespace (`unshare --mount
 * --propagation private`): mounts the staging tmpfs, binds the sources (mount(2) itself,
 * where a shell script ran `mount` and `mkdir` twice per source: ~25 programs for a
 * sandbox), then execs the rest of its arguments. Arguments: the mount syscall number, the
 * stage root and prefix, then `kind path` pairs, then `--`. Any failure exits 1 with a
 * message and never runs the command.
 */
export const STAGE_SCRIPT = String.raw`
my ($mount, $root, $prefix) = splice(@ARGV, 0, 3);
sub fail { print STDERR "bottle-stage: @_\n"; exit 1; }
# syscall() may write through its string arguments: they must be variables, not constants.
my ($name, $type, $options) = ("bot-bottle-stage", "tmpfs", "mode=0755,size=64k");
syscall($mount, $name, $root, $type, ${MS_NOSUID | MS_NODEV | MS_NOEXEC}, $options) == 0
  or fail("mount tmpfs on $root: $!");
my $dir = "";
for my $part (grep { length } split m{/}, $prefix) {
  $dir .= "/$part";
  next if -d $dir;
  mkdir($dir) or fail("mkdir $dir: $!");
}
chmod(0755, $prefix) or fail("chmod $prefix: $!");
my $i = 0;
while (@ARGV && $ARGV[0] ne "--") {
  my ($kind, $source) = splice(@ARGV, 0, 2);
  my $target = "$prefix/$i";
  if ($kind eq "dir") { mkdir($target) or fail("mkdir $target: $!"); }
  else { open(my $fh, ">", $target) or fail("create $target: $!"); close($fh); }
  syscall($mount, $source, $target, 0, ${MS_BIND}, 0) == 0 or fail("bind $source: $!");
  $i++;
}
shift @ARGV;
@ARGV or fail("no command");
exec { $ARGV[0] } @ARGV or fail("exec $ARGV[0]: $!");
`;

/** The argv prefix that stages `sources` and then runs what follows it. */
export function stagingArgv(
  tools: { unshare: string; perl: string },
  sources: readonly StagedSource[],
  runDir: string,
  arch: string = Deno.build.arch,
): string[] {
  const mount = MOUNT_SYSCALL[arch];
  if (mount === undefined) throw new Error(`staging bind sources is not supported on ${arch}`);
  return [
    tools.unshare,
    "--mount",
    "--propagation",
    "private",
    "--",
    tools.perl,
    "-e",
    STAGE_SCRIPT,
    String(mount),
    STAGE_ROOT,
    stagePrefix(runDir),
    ...sources.flatMap((source) => [source.kind, source.host]),
    "--",
  ];
}
