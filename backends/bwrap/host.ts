/** A host path the sandbox mirrors: a symlink is recreated as such, anything else ro-bound. */
export type HostEntry =
  | { path: string; kind: "symlink"; target: string }
  | { path: string; kind: "bind" };

/** What of the host's read-only system the sandbox sees. */
export interface HostLayout {
  /** `/bin`, `/sbin`, `/lib`, `/lib32`, `/lib64`, `/libx32` as they exist on the host. */
  topLevel: HostEntry[];
  /** The curated `/etc` entries that exist on the host. */
  etc: HostEntry[];
  /** Login shell for the agent: `/bin/bash` when the host has bash, else `/bin/sh`. */
  shell: string;
}

const TOP_LEVEL = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

/**
 * The only host `/etc` entries a sandbox sees: trust stores, loader and time-zone data, and
 * other data files. Never all of `/etc` (shadow, ssh keys, sudoers), nor configuration that
 * commonly carries credentials (gitconfig, npmrc, pip.conf, profile.d, environment), nor
 * private key directories (`/etc/ssl/private`, `/etc/pki/tls/private`).
 */
export const CURATED_ETC: readonly string[] = [
  "/etc/ssl/certs",
  "/etc/ssl/openssl.cnf",
  "/etc/ca-certificates",
  "/etc/ca-certificates.conf",
  "/etc/pki/ca-trust",
  "/etc/pki/tls/certs",
  "/etc/pki/tls/cert.pem",
  "/etc/pki/tls/openssl.cnf",
  "/etc/alternatives",
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/localtime",
  "/etc/timezone",
  "/etc/locale.alias",
  "/etc/mime.types",
  "/etc/protocols",
  "/etc/services",
  "/etc/os-release",
  "/etc/debian_version",
  "/etc/terminfo",
  "/etc/inputrc",
  "/etc/magic",
  "/etc/magic.mime",
  "/etc/mtab",
  "/etc/vim",
];

/** JDK configuration (`/etc/java-17-openjdk`): the JDK's `conf` links point there. */
const ETC_PATTERNS = [/^java-\d+-openjdk$/];

let cached: HostLayout | null = null;

/** Reads the host's layout once per process. */
export function probeHost(): HostLayout {
  cached ??= {
    topLevel: TOP_LEVEL.map(hostEntry).filter((entry) => entry !== null),
    etc: [...CURATED_ETC, ...patternedEtc()].map(hostEntry).filter((entry) => entry !== null),
    shell: exists("/usr/bin/bash") || exists("/bin/bash") ? "/bin/bash" : "/bin/sh",
  };
  return cached;
}

function hostEntry(path: string): HostEntry | null {
  try {
    const info = Deno.lstatSync(path);
    if (info.isSymlink) return { path, kind: "symlink", target: Deno.readLinkSync(path) };
    return { path, kind: "bind" };
  } catch {
    return null;
  }
}

function patternedEtc(): string[] {
  const paths: string[] = [];
  try {
    for (const entry of Deno.readDirSync("/etc")) {
      if (ETC_PATTERNS.some((pattern) => pattern.test(entry.name))) {
        paths.push(`/etc/${entry.name}`);
      }
    }
  } catch {
    // no /etc to read: nothing to add
  }
  return paths.sort();
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
