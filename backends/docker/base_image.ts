/**
 * The Docker backend's base image, made without a registry: debootstrap a minimal Debian with
 * every package the agent image needs, then `docker import` it as `bot-bottle-base:<hash12>`.
 * The hash covers everything the image is made from, so a changed recipe is a new tag and an
 * existing tag is never rebuilt. Made once per machine; it needs root (debootstrap).
 *
 * `BOT_BOTTLE_DOCKER_BASE=<image>` skips all of this: that image (local, or pullable when a
 * registry is reachable) is the base instead, and must already hold the packages below.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { directorySize, startProgress } from "../../lib/progress.ts";
import { sha256Hex } from "../../lib/sha256.ts";
import { debootstrap, removeRootfs } from "./debootstrap.ts";
import { inspectImage } from "./image_inspect.ts";
import { importRootfs } from "./import_rootfs.ts";
import { LABELS } from "./labels.ts";

/** An image to use as the base instead of building one (see above). */
export const BASE_ENV = "BOT_BOTTLE_DOCKER_BASE";
export const MIRROR_ENV = "BOT_BOTTLE_DEBIAN_MIRROR";
export const DEFAULT_MIRROR = "http://deb.debian.org/debian";
export const BASE_REPOSITORY = "bot-bottle-base";
export const SUITE = "bookworm";

/** Bump when how the base is made changes (the steps, not the inputs hashed beside it). */
const RECIPE_VERSION = "1";

/** What the agent image needs at run time; minbase has the rest of Debian's essentials. */
export const BASE_PACKAGES: readonly string[] = [
  "bash",
  "coreutils",
  "ca-certificates",
  "git",
  "curl",
  "libc-bin",
  "nodejs",
  "perl-base",
  "iproute2",
  "procps",
  "python3-minimal",
  "socat",
  "tmux",
  "less",
  "util-linux",
];

/** Left out of the image: download caches and documentation nothing inside reads. */
const TRIMMED = [
  "var/cache/apt/archives",
  "var/lib/apt/lists",
  "usr/share/man",
  "usr/share/info",
  "usr/share/locale",
];

export interface BaseRecipe {
  suite: string;
  packages: readonly string[];
  mirror: string;
  version: string;
}

export interface BaseImageOptions {
  env: Record<string, string | undefined>;
  /** A directory of ours for the lock, the rootfs while it is made and debootstrap's log. */
  workDir: string;
}

export function baseRecipe(env: Record<string, string | undefined>): BaseRecipe {
  const mirror = env[MIRROR_ENV] || DEFAULT_MIRROR;
  return { suite: SUITE, packages: BASE_PACKAGES, mirror, version: RECIPE_VERSION };
}

/** The hash of everything the base is made from. */
export function baseContentHash(recipe: BaseRecipe): string {
  return sha256Hex(JSON.stringify([recipe.suite, recipe.packages, recipe.mirror, recipe.version]));
}

/** `bot-bottle-base:<hash12>` for this environment's mirror. */
export function baseImageTag(env: Record<string, string | undefined>): string {
  return `${BASE_REPOSITORY}:${baseContentHash(baseRecipe(env)).slice(0, 12)}`;
}

/** The base as the agent image names it: the operator's, else ours. */
export function baseImageOf(env: Record<string, string | undefined>): string {
  return env[BASE_ENV] || baseImageTag(env);
}

/** The base image's tag, made first when this machine has none. */
export async function ensureBaseImage(options: BaseImageOptions): Promise<string> {
  const recipe = baseRecipe(options.env);
  const hash = baseContentHash(recipe);
  const tag = `${BASE_REPOSITORY}:${hash.slice(0, 12)}`;
  if (await inspectImage(tag)) return tag;
  if (Deno.uid() !== 0) throw new Error(notRootMessage(tag, options.env));
  mkdirSync(options.workDir, { recursive: true, mode: 0o700 });
  // One build per tag at a time on this machine (applies with different cache directories
  // included): whoever waits finds the image made.
  const lock = await Deno.open(
    join(lockDir(options.workDir), `bot-bottle-base-${hash.slice(0, 12)}.lock`),
    {
      write: true,
      create: true,
    },
  );
  try {
    await lock.lock(true);
    if (await inspectImage(tag)) return tag;
    await build(recipe, hash, tag, options.workDir);
    return tag;
  } finally {
    lock.close();
  }
}

/** The machine's lock directory (only root builds a base), else the work directory. */
function lockDir(workDir: string): string {
  try {
    if (Deno.statSync(MACHINE_LOCK_DIR).isDirectory) return MACHINE_LOCK_DIR;
  } catch {
    // no /run/lock here
  }
  return workDir;
}

const MACHINE_LOCK_DIR = "/run/lock";

async function build(
  recipe: BaseRecipe,
  hash: string,
  tag: string,
  workDir: string,
): Promise<void> {
  const dir = await Deno.makeTempDir({ dir: workDir, prefix: `rootfs-${hash.slice(0, 12)}-` });
  const logFile = join(workDir, `debootstrap-${hash.slice(0, 12)}.log`);
  const progress = startProgress({
    label: `building Docker image ${tag} with debootstrap (once per machine)`,
    measure: () => directorySize(dir),
  });
  try {
    await debootstrap({ ...recipe, dir, logFile });
    for (const path of TRIMMED) {
      rmSync(join(dir, path), { recursive: true, force: true });
      mkdirSync(join(dir, path), { recursive: true, mode: 0o755 });
    }
    await importRootfs({
      dir,
      tag,
      changes: [
        'CMD ["/bin/bash"]',
        `LABEL ${LABELS.managed}="1"`,
        `LABEL ${LABELS.role}="base"`,
        `LABEL ${LABELS.contentHash}="${hash}"`,
      ],
      message: `bot-bottle base: debootstrap ${recipe.suite} from ${recipe.mirror}`,
    });
    progress.stop("built");
    rmSync(logFile, { force: true });
  } catch (error) {
    progress.stop("failed");
    throw error;
  } finally {
    await removeRootfs(dir);
  }
}

function notRootMessage(tag: string, env: Record<string, string | undefined>): string {
  const script = fileURLToPath(new URL("./build_base.ts", import.meta.url));
  const mirror = env[MIRROR_ENV] ? `env ${MIRROR_ENV}=${env[MIRROR_ENV]} ` : "";
  return `the Docker base image ${tag} is not built yet, and building it needs root ` +
    `(debootstrap). Build it once as root:\n  sudo ${mirror}${Deno.execPath()} run -A ${script}\n` +
    `or set ${BASE_ENV} to a local image that already has ${BASE_PACKAGES.join(" ")}`;
}
