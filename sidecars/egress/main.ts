/**
 * The egress daemon:
 *   deno run -A sidecars/egress/main.ts --socket PATH --policy FILE --log-dir DIR --bottle NAME
 *     [--exit-with-parent]
 * Silent on success; errors go to stderr (the bundle log). SIGHUP re-reads the policy
 * file (an invalid file leaves the old policy in force); SIGTERM/SIGINT stop it and remove
 * the socket. Exit status 2 means bad arguments or configuration (retrying cannot help).
 */

import { parseArgs } from "node:util";
import { FileAudit } from "./audit.ts";
import { join } from "node:path";
import { LOADED_POLICY_FILE, type LoadedPolicy, loadPolicyFile } from "./policy_file.ts";
import { type EgressProxy, startProxy } from "./proxy.ts";
import { parseTestResolve, TEST_RESOLVE_ENV } from "./test_resolve.ts";

const CONFIG_ERROR = 2;

function log(line: string): void {
  console.error(`${new Date().toISOString()} ${line}`);
}

interface Args {
  socket: string;
  policy: string;
  logDir: string;
  bottle: string;
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
      "exit-with-parent": { type: "boolean", default: false },
    },
    strict: true,
  });
  const { socket, policy, bottle } = values;
  const logDir = values["log-dir"];
  if (!socket || !policy || !logDir || !bottle) {
    throw new Error("usage: main.ts --socket PATH --policy FILE --log-dir DIR --bottle NAME");
  }
  return { socket, policy, logDir, bottle, exitWithParent: values["exit-with-parent"] ?? false };
}

function loadFor(args: Args): LoadedPolicy {
  const loaded = loadPolicyFile(args.policy);
  if (loaded.policy.bottle !== args.bottle) {
    throw new Error(
      `egress policy ${args.policy} is for bottle "${loaded.policy.bottle}", not "${args.bottle}"`,
    );
  }
  return loaded;
}

/** Records which policy is in force (see LOADED_POLICY_FILE). */
function markLoaded(args: Args, loaded: LoadedPolicy): void {
  const path = join(args.logDir, LOADED_POLICY_FILE);
  Deno.writeTextFileSync(`${path}.tmp`, loaded.sha256, { mode: 0o600 });
  Deno.renameSync(`${path}.tmp`, path);
}

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
      const next = loadFor(args);
      proxy.setPolicy(next.policy);
      markLoaded(args, next);
      const { allow, deny } = next.policy;
      log(`egress: policy reloaded (${allow.length} allow, ${deny.length} deny rules)`);
    } catch (error) {
      log(`egress: reload failed, keeping the previous policy: ${(error as Error).message}`);
    }
  });

  let audit: FileAudit;
  try {
    args = parse(Deno.args);
    const loaded = loadFor(args);
    audit = new FileAudit(args.logDir, log);
    const testResolve = parseTestResolve(Deno.env.get(TEST_RESOLVE_ENV));
    for (const warning of testResolve.warnings) log(`egress: ${warning}`);
    proxy = await startProxy({
      socketPath: args.socket,
      policy: loaded.policy,
      audit,
      testResolve: testResolve.map,
      log,
    });
    markLoaded(args, loaded);
  } catch (error) {
    log(`egress: ${(error as Error).message}`);
    return CONFIG_ERROR;
  }
  if (args.exitWithParent) {
    const parent = Deno.ppid;
    const watch = setInterval(() => {
      if (Deno.ppid !== parent) {
        log("egress: supervisor is gone; exiting");
        stop();
      }
    }, 500);
    Deno.unrefTimer(watch);
  }
  await stopped.promise;
  await proxy.close();
  audit.close();
  return 0;
}

Deno.exit(await main());
