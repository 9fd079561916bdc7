/** Where things are inside every bwrap sandbox. */
export const SANDBOX = {
  workspace: "/workspace",
  home: "/home/agent",
  run: "/run/bottle",
  trust: "/etc/bot-bottle",
  systemBundle: "/etc/ssl/certs/ca-certificates.crt",
  user: "agent",
  uid: 1000,
  gid: 1000,
  path: "/usr/local/bin:/usr/bin:/bin",
} as const;

/** The sandbox's host name: `bottle-<name>`, reduced to what a host name may hold. */
export function sandboxHostname(bottle: string): string {
  const label = bottle.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  return `bottle-${label || "x"}`.slice(0, 63).replace(/-+$/, "");
}

/** The backend's own files in a bottle's backend directory (kept while the sandbox runs). */
export function sandboxFiles(
  backendDir: string,
): { log: string; info: string; args: string; seccomp: string } {
  return {
    log: `${backendDir}/sandbox.log`,
    info: `${backendDir}/bwrap-info.json`,
    args: `${backendDir}/bwrap-args`,
    seccomp: `${backendDir}/seccomp.bpf`,
  };
}
