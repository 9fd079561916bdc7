/**
 * Provisioning Anthropic's sandbox-runtime (`srt`) as a peer to compare against.
 *
 * srt is installed with npm, pinned, into a cache directory outside the repo
 * (`$BOT_BOTTLE_BENCH_CACHE`, else `$XDG_CACHE_HOME/bot-bottle-bench`, else
 * `~/.cache/bot-bottle-bench`). On Linux it needs bubblewrap, socat and ripgrep (it scans the
 * working directory with `rg` for files it must protect). When `rg` is not on PATH, the
 * Debian package is fetched with `apt-get download` and unpacked into the same cache, so
 * nothing is installed system-wide.
 */
import { join } from "node:path";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { failureReason, timedRun, which } from "./proc.ts";

export const SRT_PACKAGE = "@anthropic-ai/sandbox-runtime";
export const SRT_VERSION = "0.0.83";

export type SrtSetup =
  | {
    ok: true;
    /** argv[0] and the arguments before the command (`srt --settings FILE`). */
    cmd: string;
    args: string[];
    cwd: string;
    env: Record<string, string>;
    version: string;
    notes: string[];
    /** The invocation, for the report. */
    display: string;
  }
  | { ok: false; reason: string; notes: string[] };

export function cacheRoot(): string {
  const explicit = Deno.env.get("BOT_BOTTLE_BENCH_CACHE");
  if (explicit) return explicit;
  const xdg = Deno.env.get("XDG_CACHE_HOME") || join(Deno.env.get("HOME") ?? "/tmp", ".cache");
  return join(xdg, "bot-bottle-bench");
}

/**
 * The srt settings used for the comparison: the same egress allowlist as the example `dev`
 * bottle (example.com and the npm registry) and a writable working directory, like a
 * bottle's workspace. The bottle's `deny: "*.internal"` has no srt spelling (srt refuses a
 * wildcard over a single-label suffix as overly broad); srt's allow-only network policy
 * denies those hosts anyway.
 */
export const SRT_SETTINGS = {
  network: {
    allowedDomains: ["example.com", "registry.npmjs.org"],
    deniedDomains: [],
  },
  filesystem: {
    denyRead: [],
    allowWrite: ["."],
    denyWrite: [],
  },
};

/** Installs (if missing) and probes srt. `workDir` is an empty directory to run it in. */
export async function setupSrt(workDir: string, log: (line: string) => void): Promise<SrtSetup> {
  const notes: string[] = [];
  if (Deno.build.os !== "linux") {
    return { ok: false, reason: `bench compares on Linux only (${Deno.build.os})`, notes };
  }
  const root = cacheRoot();
  const prefix = join(root, `srt-${SRT_VERSION}`);
  const bin = join(prefix, "node_modules", ".bin", "srt");
  if (!existsSync(bin)) {
    const npm = which("npm");
    if (!npm) return { ok: false, reason: "npm not found: cannot install srt", notes };
    log(`installing ${SRT_PACKAGE}@${SRT_VERSION} into ${prefix} …`);
    mkdirSync(prefix, { recursive: true });
    writeFileSync(join(prefix, "package.json"), '{ "private": true }\n');
    const installed = await timedRun(npm, [
      "install",
      "--prefix",
      prefix,
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--loglevel=error",
      `${SRT_PACKAGE}@${SRT_VERSION}`,
    ], { cwd: prefix, timeoutMs: 300_000 });
    if (!installed.ok || !existsSync(bin)) {
      return { ok: false, reason: `npm install failed (${failureReason(installed)})`, notes };
    }
  }

  const node = which("node");
  if (!node) return { ok: false, reason: "node not found: srt is a Node program", notes };
  const nodeVersion = (await timedRun(node, ["--version"], { timeoutMs: 10_000 })).stdout.trim();
  const major = Number(/^v(\d+)/.exec(nodeVersion)?.[1] ?? 0);
  if (major > 0 && major < 22) {
    notes.push(`node ${nodeVersion} is older than srt's engines (>=22.12); it runs regardless`);
  }

  for (const tool of ["bwrap", "socat"]) {
    if (!which(tool)) return { ok: false, reason: `srt needs ${tool}, not on PATH`, notes };
  }

  let path = Deno.env.get("PATH") ?? "/usr/bin:/bin";
  if (!which("rg")) {
    const rgDir = await provisionRipgrep(join(root, "ripgrep"), log);
    if (typeof rgDir !== "string") return { ok: false, reason: rgDir.reason, notes };
    path = `${rgDir}:${path}`;
    notes.push(`ripgrep from Debian's package, unpacked in ${rgDir}`);
  }

  const settings = join(prefix, "bench-settings.json");
  writeFileSync(settings, JSON.stringify(SRT_SETTINGS, null, 2) + "\n");
  const env = { PATH: path };
  const args = ["--settings", settings];

  const probe = await timedRun(bin, [...args, "true"], { cwd: workDir, env, timeoutMs: 30_000 });
  if (!probe.ok) {
    return { ok: false, reason: `srt true failed here (${failureReason(probe)})`, notes };
  }
  return {
    ok: true,
    cmd: bin,
    args,
    cwd: workDir,
    env,
    version: SRT_VERSION,
    notes,
    display: `${bin} --settings ${settings} true   (cwd: an empty temp dir; PATH += rg)`,
  };
}

/** A directory holding `rg`, or why there is none. */
async function provisionRipgrep(
  dir: string,
  log: (line: string) => void,
): Promise<string | { reason: string }> {
  const binDir = join(dir, "root", "usr", "bin");
  if (existsSync(join(binDir, "rg"))) return binDir;
  const apt = which("apt-get");
  const dpkgDeb = which("dpkg-deb");
  if (!apt || !dpkgDeb) {
    return { reason: "srt needs ripgrep (rg): not on PATH and no apt-get to fetch it" };
  }
  log(`ripgrep (rg) is not on PATH: fetching Debian's package into ${dir} …`);
  mkdirSync(dir, { recursive: true });
  const download = await timedRun(apt, ["download", "ripgrep"], { cwd: dir, timeoutMs: 120_000 });
  const deb = readdirSync(dir).find((name) => /^ripgrep_.*\.deb$/.test(name));
  if (!deb) {
    return {
      reason: `srt needs ripgrep (rg); apt-get download ripgrep failed (${
        failureReason(download)
      })`,
    };
  }
  const unpack = await timedRun(dpkgDeb, ["-x", join(dir, deb), join(dir, "root")], {
    timeoutMs: 60_000,
  });
  if (!unpack.ok || !existsSync(join(binDir, "rg"))) {
    return { reason: `srt needs ripgrep (rg); unpacking ${deb} failed (${failureReason(unpack)})` };
  }
  return binDir;
}
