/**
 * The egress daemon:
 *   deno run … sidecars/egress/main.ts --socket PATH --policy FILE --log-dir DIR --bottle NAME
 *     [--ca-dir DIR] [--secrets FILE] [--no-dlp] [--exit-with-parent]
 * `--ca-dir` holds the bottle CA (`ca.crt`, `ca.key`): with it, CONNECTs are intercepted
 * (unless their route is passthrough); without it every CONNECT is a plain tunnel.
 * `--secrets` is the secrets file (see secrets/wire.ts). DLP (dlp/mod.ts) is on unless
 * `--no-dlp`; if that module cannot be loaded, every inspected request is refused (403,
 * rule `dlp:dlp-unavailable`, saying why) while passthrough tunnels still work. Silent on success; errors go to stderr (the bundle log). SIGHUP re-reads the
 * policy and secrets files together (if either is invalid both old ones stay in force);
 * SIGTERM/SIGINT stop it and remove the socket. Exit status 2 means bad arguments or
 * configuration (retrying cannot help).
 */

import { parseArgs } from "node:util";
import { join } from "node:path";
import { sleep } from "../../lib/wait.ts";
import { FileAudit } from "./audit/mod.ts";
import { type ConfigPaths, loadConfig, writeLoadedMarker } from "./config_files.ts";
import { loadDlpFactory, unavailableDlp } from "./dlp_loader.ts";
import { type DlpFactory, type EgressProxy, startProxy } from "./proxy.ts";
import { dnsResolver, resolverFromEnv, TEST_RESOLVE_ENV } from "./upstream/mod.ts";
import type { LeafMinter } from "./tls/mod.ts";
import { importSigningKey } from "./tls/keys.ts";

const CONFIG_ERROR = 2;

function log(line: string): void {
  console.error(`${new Date().toISOString()} ${line}`);
}

interface Args {
  socket: string;
  logDir: string;
  paths: ConfigPaths;
  caDir: string | null;
  dlp: boolean;
  exitWithParent: boolean;
}

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      socket: { type: "string" },
      policy: { type: "string" },
      "log-dir": { type: "string" },
      bottle: { type: "string" },
      "ca-dir": { type: "string" },
      secrets: { type: "string" },
      "no-dlp": { type: "boolean", default: false },
      "exit-with-parent": { type: "boolean", default: false },
    },
    strict: true,
  });
  const { socket, policy, bottle } = values;
  const logDir = values["log-dir"];
  if (!socket || !policy || !logDir || !bottle) {
    throw new Error(
      "usage: main.ts --socket PATH --policy FILE --log-dir DIR --bottle NAME " +
        "[--ca-dir DIR] [--secrets FILE] [--no-dlp] [--exit-with-parent]",
    );
  }
  return {
    socket,
    logDir,
    paths: { bottle, policy, secrets: values.secrets ?? null },
    caDir: values["ca-dir"] ?? null,
    dlp: !values["no-dlp"],
    exitWithParent: values["exit-with-parent"] ?? false,
  };
}

/**
 * Reads and checks the bottle CA now (a bad one is a configuration error); the minter
 * itself (our own DER code; the X.509 library is the engine's only) loads later while the
 * daemon already serves.
 */
async function loadMinter(caDir: string): Promise<() => Promise<LeafMinter>> {
  const read = (name: string): string => {
    try {
      return Deno.readTextFileSync(join(caDir, name));
    } catch (error) {
      throw new Error(
        `cannot read the bottle CA ${join(caDir, name)}: ${(error as Error).message}`,
      );
    }
  };
  const cert = read("ca.crt");
  const key = read("ca.key");
  if (!cert.includes("-----BEGIN CERTIFICATE-----")) {
    throw new Error(`${join(caDir, "ca.crt")} holds no PEM certificate`);
  }
  await importSigningKey(key);
  return async () => {
    const { LeafMinter } = await import("./tls/leaf.ts");
    return await LeafMinter.create(cert, key);
  };
}

/**
 * The supervisor, read before anything else: the socket answers before start-up ends, so the
 * supervisor can die while we still start, and a parent read later would already be init.
 */
const PARENT_AT_START = Deno.ppid;

async function main(): Promise<number> {
  // Signal handlers come first: a SIGHUP or SIGTERM during start-up must not kill the
  // daemon with the default action (and leave its socket behind).
  let args: Args | null = null;
  let proxy: EgressProxy | null = null;
  const stopped = Promise.withResolvers<void>();
  const stop = (): void => stopped.resolve();
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGHUP", () => {
    if (proxy === null || args === null) return;
    try {
      const next = loadConfig(args.paths);
      proxy.setConfig(next.policy, next.secrets);
      writeLoadedMarker(args.logDir, next.marker);
      const { allow, deny, routes, grants } = next.policy;
      log(
        `egress: policy reloaded (${allow.length} allow, ${deny.length} deny rules, ` +
          `${routes.length} routes, ${grants.length} grants, ` +
          `${next.secrets.secrets.length} secrets)`,
      );
    } catch (error) {
      log(`egress: reload failed, keeping the previous policy and secrets: ${message(error)}`);
    }
  });

  let audit: FileAudit;
  try {
    args = parse(Deno.args);
    const loaded = loadConfig(args.paths);
    const minter = args.caDir === null ? undefined : await loadMinter(args.caDir);
    let dlp: DlpFactory | undefined;
    if (args.dlp) {
      const loaded = await loadDlpFactory();
      if (!loaded.ok) log(`egress: ${loaded.reason}; every inspected request will be blocked`);
      dlp = loaded.ok ? loaded.factory : unavailableDlp(loaded.reason);
    }
    audit = new FileAudit(args.logDir, log);
    // Test-only: the name override, when the variable is set (upstream/name_override.ts).
    const names = resolverFromEnv(Deno.env.get(TEST_RESOLVE_ENV), dnsResolver());
    for (const warning of names.warnings) log(`egress: ${warning}`);
    proxy = await startProxy({
      socketPath: args.socket,
      policy: loaded.policy,
      secrets: loaded.secrets,
      minter: minter === undefined ? undefined : deferred(minter),
      dlp,
      audit,
      resolver: names.resolver,
      log,
    });
    writeLoadedMarker(args.logDir, loaded.marker);
    proxy.warmUp().then((problem) => {
      if (problem !== null) log(`egress: TLS interception is unavailable: ${problem}`);
    });
  } catch (error) {
    log(`egress: ${message(error)}`);
    return CONFIG_ERROR;
  }
  if (args.exitWithParent) {
    const watch = setInterval(() => {
      if (Deno.ppid !== PARENT_AT_START) {
        log("egress: supervisor is gone; exiting");
        stop();
        // An orphaned proxy must end even if closing its connections hangs.
        setTimeout(() => Deno.exit(0), 2000);
      }
    }, 500);
    Deno.unrefTimer(watch);
  }
  await stopped.promise;
  await proxy.close();
  audit.close();
  return 0;
}

/** Starts `load` on the next turn, after the socket is listening. */
function deferred<T>(load: () => Promise<T>): Promise<T> {
  return sleep(0).then(load);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

Deno.exit(await main());
