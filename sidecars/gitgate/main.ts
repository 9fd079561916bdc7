/**
 * The git gate daemon:
 *   deno run … sidecars/gitgate/main.ts --socket RUN_DIR/git.sock --gate-dir DIR
 *     --log-dir DIR --bottle NAME [--exit-with-parent]
 * Serves git smart HTTP (server.ts says why) on the socket for the upstreams `DIR/gate.json`
 * declares, with their mirrors, credentials and push policy; answers the mirrors'
 * pre-receive hook on `DIR/hook.sock`; audits to `LOG_DIR/git.jsonl`. SIGHUP re-reads
 * gate.json and the token files (if anything is wrong the old policy stays, and the bundle
 * log says why); SIGTERM/SIGINT stop it and remove its sockets. Exit status 2: bad
 * arguments or configuration at start.
 */

import { parseArgs } from "node:util";
import { join } from "node:path";
import type { DlpConfig, DlpEngine } from "../egress/dlp/mod.ts";
import { fileAudit } from "./audit.ts";
import { baseGitEnv } from "./git_env.ts";
import { writeHook } from "./hook_script.ts";
import { serveHook } from "./hook_server.ts";
import { KeyedLock } from "./lock.ts";
import { Mirrors, prepareMirror } from "./mirror.ts";
import { checkPush, type PushContext } from "./push_check.ts";
import { type LoadedPolicy, loadPolicy } from "./policy_file.ts";
import { gateHandler } from "./server.ts";
import { GATE_HOOK_SOCKET, GATE_LOADED_FILE, type GatePolicy } from "./wire.ts";

const CONFIG_ERROR = 2;
const PARENT_AT_START = Deno.ppid;

function log(line: string): void {
  console.error(`${new Date().toISOString()} ${line}`);
}

interface Args {
  socket: string;
  gateDir: string;
  logDir: string;
  bottle: string;
  exitWithParent: boolean;
}

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      socket: { type: "string" },
      "gate-dir": { type: "string" },
      "log-dir": { type: "string" },
      bottle: { type: "string" },
      "exit-with-parent": { type: "boolean", default: false },
    },
    strict: true,
  });
  const { socket, bottle } = values;
  const gateDir = values["gate-dir"];
  const logDir = values["log-dir"];
  if (!socket || !gateDir || !logDir || !bottle) {
    throw new Error(
      "usage: main.ts --socket PATH --gate-dir DIR --log-dir DIR --bottle NAME [--exit-with-parent]",
    );
  }
  return { socket, gateDir, logDir, bottle, exitWithParent: values["exit-with-parent"] ?? false };
}

/** The scan engine's settings for a policy: its DLP rules, every upstream token as a bottle secret. */
function dlpConfig(loaded: LoadedPolicy): DlpConfig {
  const rules: Record<string, { action?: "block" | "warn"; exemptHosts?: string[] }> = {};
  for (const [id, rule] of Object.entries(loaded.policy.dlp.rules ?? {})) {
    rules[id] = {
      ...(rule.action === undefined ? {} : { action: rule.action }),
      ...(rule.exempt_hosts === undefined ? {} : { exemptHosts: rule.exempt_hosts }),
    };
  }
  const bottleSecrets = [...loaded.tokens].map(([name, value]) => ({
    id: `gate-token:${name}`,
    value,
  }));
  // Per object scanned; a larger blob is refused (fail-closed) rather than scanned in part.
  const maxBodyBytes = Math.max(
    64 << 20,
    ...loaded.policy.upstreams.map((u) => u.push.max_push_bytes),
  );
  return { rules, bottleSecrets, maxBodyBytes };
}

/**
 * The engine, built on the first push that needs it and kept for the policy's life: a gate
 * mostly serves fetches, and the DLP module and its matchers are most of an idle gate's
 * memory. The first push pays the build (tens of ms) once.
 */
function lazyDlpEngine(config: DlpConfig): () => Promise<DlpEngine> {
  let engine: Promise<DlpEngine> | null = null;
  return () => {
    engine ??= import("../egress/dlp/mod.ts").then((dlp) => dlp.createDlpEngine(config));
    return engine;
  };
}

interface Active {
  loaded: LoadedPolicy;
  dlp: () => Promise<DlpEngine>;
}

async function activate(
  args: Args,
  context: { env: Record<string, string>; lock: KeyedLock },
  hooksDir: string,
): Promise<Active> {
  const loaded = loadPolicy(args.gateDir);
  if (loaded.policy.bottle !== args.bottle) {
    throw new Error(`gate.json is for bottle ${loaded.policy.bottle}, not ${args.bottle}`);
  }
  const dlp = lazyDlpEngine(dlpConfig(loaded));
  for (const upstream of loaded.policy.upstreams) await prepareMirror(context, upstream, hooksDir);
  reportLoaded(args.gateDir, loaded.sha256);
  return { loaded, dlp };
}

let loads = 0;

/**
 * Tells the engine what is in force (GATE_LOADED_FILE): the policy's sha256, then a line that
 * changes on every load, so a reload for rotated credentials (same policy) is seen too.
 */
function reportLoaded(gateDir: string, sha256: string): void {
  const path = join(gateDir, GATE_LOADED_FILE);
  Deno.writeTextFileSync(`${path}.tmp`, `${sha256}\n${Deno.pid}.${++loads}.${Date.now()}\n`);
  Deno.renameSync(`${path}.tmp`, path);
}

function summary(policy: GatePolicy): string {
  return `${policy.upstreams.length} upstreams (${policy.upstreams.map((u) => u.name).join(", ")})`;
}

async function main(): Promise<number> {
  let reload: (() => void) | null = null;
  const stopped = Promise.withResolvers<void>();
  const stop = (): void => stopped.resolve();
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGHUP", () => reload?.());

  let args: Args;
  let server: Deno.HttpServer<Deno.UnixAddr>;
  let hookListener: Deno.Listener;
  try {
    args = parse(Deno.args);
    const baseEnv = baseGitEnv({
      path: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      home: args.gateDir,
    });
    const lock = new KeyedLock();
    const context = { env: baseEnv, lock };
    const hooksDir = writeHook(args.gateDir);
    let active = await activate(args, context, hooksDir);
    const audit = fileAudit(args.logDir, log);
    const mirrors = new Mirrors(context);
    const pushes = new Map<string, PushContext>();
    const hookPath = join(args.gateDir, GATE_HOOK_SOCKET);
    hookListener = serveHook(hookPath, (request) => {
      const push = pushes.get(request.env.BOT_BOTTLE_GATE_PUSH ?? "");
      if (push === undefined) {
        return Promise.resolve({
          messages: ["gate: this push did not come through the gate; refused"],
          code: 1,
        });
      }
      return checkPush(request, push, {
        bottle: args.bottle,
        baseEnv,
        dlp: active.dlp,
        lock,
        audit,
      });
    }, log);
    try {
      Deno.removeSync(args.socket);
    } catch {
      // no stale socket
    }
    server = Deno.serve(
      {
        path: args.socket,
        onListen: () => {},
        onError: (error) => {
          log(`gitgate: ${(error as Error).message}`);
          return new Response("the gate failed; see the bundle log\n", { status: 500 });
        },
      },
      gateHandler({ policy: () => active.loaded, mirrors, pushes, baseEnv, hooksDir, audit, log }),
    );
    // The door's forwarders run as the sandbox owner; the run directory (0711) is the gate.
    Deno.chmodSync(args.socket, 0o666);
    const current = args;
    reload = () => {
      activate(current, context, hooksDir).then((next) => {
        active = next;
        log(`gitgate: policy reloaded: ${summary(next.loaded.policy)}`);
      }, (error) => {
        log(`gitgate: reload failed, keeping the previous policy: ${(error as Error).message}`);
      });
    };
    log(`gitgate: serving ${summary(active.loaded.policy)} on ${args.socket}`);
  } catch (error) {
    log(`gitgate: ${(error as Error).message}`);
    return CONFIG_ERROR;
  }
  if (args.exitWithParent) {
    const watch = setInterval(() => {
      if (Deno.ppid !== PARENT_AT_START) {
        log("gitgate: supervisor is gone; exiting");
        stop();
        setTimeout(() => Deno.exit(0), 2000);
      }
    }, 500);
    Deno.unrefTimer(watch);
  }
  await stopped.promise;
  hookListener.close();
  await server.shutdown().catch(() => {});
  for (const path of [args.socket, join(args.gateDir, GATE_HOOK_SOCKET)]) {
    try {
      Deno.removeSync(path);
    } catch {
      // already gone
    }
  }
  return 0;
}

Deno.exit(await main());
