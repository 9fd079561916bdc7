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
import { loadPolicyFile } from "./policy_file.ts";
import { type EgressProxy, startProxy } from "./proxy.ts";
import { parseTestResolve, TEST_RESOLVE_ENV } from "./test_resolve.ts";
import type { CompiledPolicy } from "./decide.ts";

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

function loadFor(args: Args): CompiledPolicy {
  const policy = loadPolicyFile(args.policy);
  if (policy.bottle !== args.bottle) {
    throw new Error(
      `egress policy ${args.policy} is for bottle "${policy.bottle}", not "${args.bottle}"`,
    );
  }
  return policy;
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
      proxy.setPolicy(next);
      log(`egress: policy reloaded (${next.allow.length} allow, ${next.deny.length} deny rules)`);
    } catch (error) {
      log(`egress: reload failed, keeping the previous policy: ${(error as Error).message}`);
    }
  });

  let audit: FileAudit;
  try {
    args = parse(Deno.args);
    const policy = loadFor(args);
    audit = new FileAudit(args.logDir, log);
    const testResolve = parseTestResolve(Deno.env.get(TEST_RESOLVE_ENV));
    for (const warning of testResolve.warnings) log(`egress: ${warning}`);
    proxy = await startProxy({
      socketPath: args.socket,
      policy,
      audit,
      testResolve: testResolve.map,
      log,
    });
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
