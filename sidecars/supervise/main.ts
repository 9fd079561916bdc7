/**
 * The supervise daemon:
 *   deno run … sidecars/supervise/main.ts --config BOTTLE_DIR/supervise.json
 *     --socket RUN_DIR/supervise.sock [--exit-with-parent]
 * Serves the supervise MCP server (http.ts says how) on the socket, for the bottle and
 * agents the config names; queues requests in the state database; tells the operator
 * through the config's notify command; logs to `LOG_DIR/supervise.log`. SIGHUP re-reads the
 * config (if it is invalid, or changes what the permissions were granted for, the old one
 * stays and the bundle log says why); the policy files are re-read whenever they change.
 * SIGTERM/SIGINT stop it and remove the socket. Exit status 2: bad arguments or
 * configuration at start.
 */

import { parseArgs } from "node:util";
import { DatabaseSync } from "node:sqlite";
import { ConfigError, loadConfig, restartFields } from "./config.ts";
import { superviseHandler } from "./http.ts";
import { WatchedJsonFile } from "./json_file.ts";
import { appendJsonLine, logLine, NOTIFY_LOG, SUPERVISE_LOG } from "./log.ts";
import { runNotify } from "./notify.ts";
import { egressView, type GateView, gateView } from "./policy_view.ts";
import { QUEUE_SCHEMA } from "./queue.ts";
import type { Service } from "./service.ts";
import type { SuperviseConfig, SuperviseRequest } from "./wire.ts";

const CONFIG_ERROR = 2;
const PARENT_AT_START = Deno.ppid;

interface Args {
  config: string;
  socket: string;
  exitWithParent: boolean;
}

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string" },
      socket: { type: "string" },
      "exit-with-parent": { type: "boolean", default: false },
    },
    strict: true,
  });
  if (!values.config || !values.socket) {
    throw new ConfigError("usage: main.ts --config FILE --socket PATH [--exit-with-parent]");
  }
  return {
    config: values.config,
    socket: values.socket,
    exitWithParent: values["exit-with-parent"] ?? false,
  };
}

function openQueue(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA busy_timeout = 10000");
  db.exec(QUEUE_SCHEMA);
  return db;
}

function notifier(current: () => SuperviseConfig): (request: SuperviseRequest) => void {
  return (request) => {
    const { notify, log_dir } = current();
    if (notify === null) return;
    const started = new Date().toISOString();
    runNotify(notify, request).then((result) => {
      const failed = result.timedOut || result.code !== 0;
      appendJsonLine(log_dir, NOTIFY_LOG, {
        time: started,
        request: request.id,
        code: result.code,
        signal: result.signal,
        timed_out: result.timedOut,
        output: result.output,
      });
      if (failed) {
        logLine(
          `notify for request ${request.id} failed (${
            result.timedOut ? "killed after the timeout" : `exit ${result.code}`
          }); see ${NOTIFY_LOG}`,
        );
      }
    });
  };
}

async function main(): Promise<number> {
  let reload: (() => void) | null = null;
  const stopped = Promise.withResolvers<void>();
  const stopping = new AbortController();
  const stop = (): void => {
    stopping.abort();
    stopped.resolve();
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGHUP", () => reload?.());

  let args: Args;
  let server: Deno.HttpServer<Deno.UnixAddr>;
  try {
    args = parse(Deno.args);
    let config = loadConfig(args.config);
    const db = openQueue(config.state_db);
    const egress = new WatchedJsonFile(config.egress_policy_file, egressView, logLine);
    const gate = config.gate_policy_file === undefined
      ? null
      : new WatchedJsonFile<GateView>(config.gate_policy_file, gateView, logLine);
    egress.get();
    gate?.get();
    const service: Service = {
      db,
      config: () => config,
      egress: () => egress.get(),
      gate: () => gate?.get() ?? null,
      notify: notifier(() => config),
      log: (entry) =>
        appendJsonLine(config.log_dir, SUPERVISE_LOG, {
          time: new Date().toISOString(),
          bottle: config.bottle,
          ...entry,
        }),
      now: () => new Date(),
      pollMs: 100,
      settleMs: 5000,
      maxWaiting: 64,
    };
    try {
      Deno.removeSync(args.socket);
    } catch {
      // no stale socket
    }
    server = Deno.serve(
      {
        path: args.socket,
        transport: "unix",
        onListen: () => {},
        onError: (error) => {
          logLine((error as Error).message);
          return new Response("the supervise sidecar failed; see the bundle log\n", {
            status: 500,
          });
        },
      },
      superviseHandler(service, stopping.signal),
    );
    // The door's forwarders run as the sandbox owner; the run directory (0711) is the gate.
    Deno.chmodSync(args.socket, 0o666);
    const path = args.config;
    reload = () => {
      try {
        const next = loadConfig(path);
        const changed = restartFields(config, next);
        if (changed.length > 0) {
          throw new ConfigError(`it changes ${changed.join(", ")}, which needs a restart`);
        }
        if (next.bottle !== config.bottle || next.project !== config.project) {
          throw new ConfigError("it is for another bottle");
        }
        config = next;
        logLine(`config reloaded: agents ${config.agents.join(", ")}; kinds ${config.kinds}`);
      } catch (error) {
        logLine(`reload failed, keeping the previous config: ${(error as Error).message}`);
      }
    };
    logLine(
      `serving bottle ${config.bottle} (agents ${config.agents.join(", ")}) on ${args.socket}`,
    );
  } catch (error) {
    logLine((error as Error).message);
    return CONFIG_ERROR;
  }
  if (args.exitWithParent) {
    const watch = setInterval(() => {
      if (Deno.ppid !== PARENT_AT_START) {
        logLine("supervisor is gone; exiting");
        stop();
        setTimeout(() => Deno.exit(0), 2000);
      }
    }, 500);
    Deno.unrefTimer(watch);
  }
  await stopped.promise;
  await server.shutdown().catch(() => {});
  try {
    Deno.removeSync(args.socket);
  } catch {
    // already gone
  }
  return 0;
}

Deno.exit(await main());
