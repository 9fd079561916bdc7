/** The full CLI: every command, parsed with commander, each loading its module lazily. */
import { Command } from "commander";
import denoJson from "../deno.json" with { type: "json" };
import { normalizeArgv } from "./argv_aliases.ts";
import { reportError, UserError } from "./errors.ts";
import { parseParallelism } from "./options.ts";

type Action = () => Promise<number> | number;

/**
 * Imports a command's module through a variable, so start-up reads only the module graph of
 * the command that runs: Deno resolves everything a literal `import("…")` can reach before the
 * first line runs (see main.ts).
 */
function load<Module>(specifier: string): Promise<Module> {
  return import(specifier);
}

const cli = normalizeArgv(Deno.args);
if (cli.noColor) Deno.env.set("NO_COLOR", "1");

let exitCode = 0;
const run = async (action: Action): Promise<void> => {
  try {
    exitCode = await action();
  } catch (error) {
    exitCode = reportError(error, { json: cli.json });
  }
};

const program = new Command("bottle")
  .description("Run AI coding agents in bottles whose only ways out are sidecars you control.")
  .version(`${denoJson.name} ${denoJson.version}`, "-v, --version", "print the version")
  .option("--no-color", "no colours in the output (also: NO_COLOR=1); accepted anywhere")
  .enablePositionalOptions()
  .showHelpAfterError()
  .exitOverride()
  .configureOutput({
    // With --json, a usage error is a JSON document on stdout like any other error.
    writeErr: (text) => {
      if (!cli.json) Deno.stderr.writeSync(new TextEncoder().encode(text));
    },
    outputError: (text, write) => {
      if (!cli.json) return write(text);
      const message = text.trim().replace(/^error: /, "");
      reportError(new UserError(message, "see --help"), { json: true });
    },
  });

const dirOption = ["--dir <dir>", "manifest directory (holds bottles/ and agents/)", "."] as const;
const lockOption = [
  "--lock-timeout <duration>",
  "wait this long for the state lock",
  "0s",
] as const;
const readerLockOption = [
  "--lock-timeout <duration>",
  "wait this long for an apply or destroy in progress to finish (default: fail at once)",
  "0s",
] as const;
const targetOption = [
  "--target <id>",
  "only this resource and what it needs (destroy: and what depends on it); repeatable",
  (id: string, previous: string[] = []): string[] => [...previous, id],
] as const;
const parallelOption = [
  "--parallelism <n>",
  "steps applied at once (1..64)",
  parseParallelism,
  4,
] as const;
const cwdOption = [
  "--cwd [dir]",
  "seed the workspace of bottles without `workspace:` from this git checkout " +
  "(default: the current directory)",
] as const;

program.command("plan")
  .description("show what apply would change (+ create, ~ update, -/+ replace, - destroy)")
  .option(...dirOption)
  .option("--out <file>", "save the plan; apply it later with `apply FILE`")
  .option("--json", "machine-readable output")
  .option("--destroy", "plan the destruction of everything applied from --dir")
  .option("--detailed-exitcode", "exit 0 when nothing changes, 2 when something would")
  .option(...readerLockOption)
  .option(...targetOption)
  .option(...cwdOption)
  .action((options) =>
    run(async () =>
      (await load<typeof import("./plan_command.ts")>("./plan_command.ts")).planCommand(options)
    )
  );

program.command("apply")
  .description("make live resources match the manifests (or apply a saved plan)")
  .argument("[plan-file]", "a plan saved with `plan --out`")
  .option(...dirOption)
  .option("-y, --yes", "do not ask for confirmation")
  .option(...lockOption)
  .option(...parallelOption)
  .option(...targetOption)
  .option(...cwdOption)
  .action((planFile, options) =>
    run(async () =>
      (await load<typeof import("./apply_command.ts")>("./apply_command.ts")).applyCommand(
        planFile,
        options,
      )
    )
  );

program.command("destroy")
  .description("tear down everything applied from --dir, in reverse dependency order")
  .option(...dirOption)
  .option("-y, --yes", "do not ask for confirmation")
  .option("--bottle <name...>", "only these bottles")
  .option(...targetOption)
  .option(...lockOption)
  .option(...parallelOption)
  .action((options) =>
    run(async () =>
      (await load<typeof import("./destroy_command.ts")>("./destroy_command.ts")).destroyCommand(
        options,
      )
    )
  );

program.command("validate")
  .description("check the manifests: load and compile them (no state, no secrets needed)")
  .option(...dirOption)
  .option("--json", "machine-readable output (errors too)")
  .action((options) =>
    run(async () =>
      (await load<typeof import("./validate_command.ts")>("./validate_command.ts")).validateCommand(
        options,
      )
    )
  );

program.command("show")
  .description("show a saved plan, or (no file) the resources recorded for --dir")
  .argument("[plan-file]", "a plan saved with `plan --out`")
  .option(...dirOption)
  .option("--json", "machine-readable output (errors too)")
  .action((planFile, options) =>
    run(async () =>
      (await load<typeof import("./show_command.ts")>("./show_command.ts")).showCommand(
        planFile,
        options,
      )
    )
  );

program.command("drift")
  .description("refresh live state and report what changed behind bot-bottle's back (exit 2)")
  .option(...dirOption)
  .option("--json", "machine-readable output")
  .option("--all", "every recorded bottle, not only those of --dir")
  .option(...readerLockOption)
  .option("--detailed-exitcode", "accepted for symmetry with plan; drift always exits 2 on drift")
  .action((options) =>
    run(async () =>
      (await load<typeof import("./drift_command.ts")>("./drift_command.ts")).driftCommand(options)
    )
  );

program.command("list")
  .description("list the bottles of every project and backend: health, age, agents, resources")
  .option(...dirOption)
  .option("--json", "machine-readable output")
  .action((options) =>
    run(async () =>
      (await load<typeof import("./list_command.ts")>("./list_command.ts")).listCommand(options)
    )
  );

program.command("cleanup")
  .description(
    "reap what crashed runs left on every backend (asks y/N; a live bottle is never touched)",
  )
  .option("-y, --yes", "do not ask for confirmation")
  .option("--dry-run", "only list the orphans")
  .option("--json", "machine-readable output (never asks: needs --yes or --dry-run)")
  .option(...lockOption)
  .action((options) =>
    run(async () =>
      (await load<typeof import("./cleanup_command.ts")>("./cleanup_command.ts")).cleanupCommand({
        dir: ".",
        ...options,
      })
    )
  );

program.command("exec")
  .description("run a command inside a bottle: bottle exec BOTTLE -- CMD [ARG…]")
  .argument("<bottle>")
  .argument("<command...>")
  .option("-t, --tty", "give the command a fresh pseudo-terminal")
  .option("-w, --cwd <dir>", "working directory inside", "/workspace")
  .option("-e, --env <pair...>", "extra NAME=VALUE for the command")
  .passThroughOptions()
  .action((bottle, argv, options) =>
    run(async () =>
      (await load<typeof import("./exec_command.ts")>("./exec_command.ts")).execCommand(
        bottle,
        argv,
        options,
      )
    )
  );

program.command("export")
  .description("fetch a bottle's branches into a repository as refs/remotes/bottle/BOTTLE/*")
  .argument("<bottle>")
  .option("--to <repo>", "the repository to fetch into (default: the workspace's source)")
  .action((bottle, options) =>
    run(async () =>
      (await load<typeof import("./export_command.ts")>("./export_command.ts")).exportCommand(
        bottle,
        options,
      )
    )
  );

program.command("run")
  .description('run one unattended turn of an agent in its bottle: bottle run AGENT -p "…"')
  .argument("<agent>")
  .requiredOption("-p, --prompt <text>", "what to ask the agent")
  .action((agent, options) =>
    run(async () =>
      (await load<typeof import("./run_command.ts")>("./run_command.ts")).runCommand(agent, options)
    )
  );

program.command("attach")
  .description("the agent's interactive session (detach: C-] or C-b d; it keeps running)")
  .argument("<agent>")
  .option("-c, --continue", "resume the last conversation (a fresh one when there is none)")
  .action((agent, options) =>
    run(async () =>
      (await load<typeof import("./attach_command.ts")>("./attach_command.ts")).attachCommand(
        agent,
        options,
      )
    )
  );

program.command("shell")
  .description("an interactive shell inside a bottle")
  .argument("<bottle>")
  .action((bottle) =>
    run(async () =>
      (await load<typeof import("./exec_command.ts")>("./exec_command.ts")).execCommand(bottle, [
        "/bin/bash",
        "-l",
      ], {
        tty: Deno.stdin.isTerminal(),
      })
    )
  );

program.command("logs")
  .description("show a bottle's logs (--egress, --git: the audit logs)")
  .argument("<bottle>")
  .option(...dirOption)
  .option("--egress", "the egress proxy's audit log (one JSON line per decision)")
  .option("--git", "the git gate's audit log (one JSON line per fetch or push decision)")
  .option("--git-gate", "the git gate daemon's own log")
  .option("-f, --follow", "keep printing new lines")
  .action((bottle, options) =>
    run(async () =>
      (await load<typeof import("./logs_command.ts")>("./logs_command.ts")).logsCommand(
        bottle,
        options,
      )
    )
  );

program.command("verify")
  .description(
    "run the escape suite inside a bottle (none named: a temporary one); exit 1 on any FAIL",
  )
  .argument("[bottle]", "an applied, running bottle (default: a temporary bottle)")
  .option("--json", "machine-readable output (errors too)")
  .option("--dir <dir>", "with BOTTLE: the manifest directory it was applied from")
  .option(
    "--destructive",
    "with BOTTLE: also run the probes that kill its processes and rewrite its home",
  )
  .action((bottle, options) =>
    run(async () =>
      (await load<typeof import("./verify_command.ts")>("./verify_command.ts")).verifyCommand(
        bottle,
        options,
      )
    )
  );

const state = program.command("state")
  .description("inspect and repair the state database (list, show, rm, check, restore, adopt)");
const stateCommands = () => load<typeof import("./state_command.ts")>("./state_command.ts");
state.command("list")
  .description("every recorded resource: id, type, bottle, status")
  .option(...dirOption)
  .option("--json", "machine-readable output")
  .action((options) => run(async () => (await stateCommands()).stateListCommand(options)));
state.command("show")
  .description("one recorded resource: inputs and outputs (secrets only as fingerprints)")
  .argument("<id>")
  .option(...dirOption)
  .option("--json", "machine-readable output")
  .action((id, options) => run(async () => (await stateCommands()).stateShowCommand(id, options)));
state.command("rm")
  .description("forget resources without destroying them (the live objects are left alone)")
  .argument("<id...>")
  .option(...dirOption)
  .option("-y, --yes", "do not ask for confirmation")
  .option(...lockOption)
  .action((ids, options) => run(async () => (await stateCommands()).stateRmCommand(ids, options)));
state.command("check")
  .description("integrity of the state database and its backups; running bottles it misses")
  .option("--json", "machine-readable output")
  .action((options) =>
    run(async () => (await stateCommands()).stateCheckCommand({ dir: ".", ...options }))
  );
state.command("restore")
  .description("put the last good copy (made before each writing command) in place")
  .option("--from <file>", "restore this copy instead (default: state.db.bak)")
  .option("-y, --yes", "do not ask for confirmation")
  .action((options) =>
    run(async () => (await stateCommands()).stateRestoreCommand({ dir: ".", ...options }))
  );
state.command("adopt")
  .description("record running bottles of --dir that the state lost, from the manifests")
  .option(...dirOption)
  .option(...lockOption)
  .action((options) => run(async () => (await stateCommands()).stateAdoptCommand(options)));

program.command("force-unlock")
  .description("remove the state lock (only when its holder is gone)")
  .option(...dirOption)
  .action((options) =>
    run(async () =>
      (await load<typeof import("./unlock_command.ts")>("./unlock_command.ts")).forceUnlockCommand(
        options,
      )
    )
  );

const superviseCommands = () =>
  load<typeof import("./supervise_command.ts")>("./supervise_command.ts");

program.command("requests")
  .description("the agents' supervise requests, newest first (pending only, unless --all)")
  .option("--all", "every request, decided ones too")
  .option("--json", "machine-readable output")
  .action((options) => run(async () => (await superviseCommands()).requestsCommand(options)));

program.command("approve")
  .description("grant a pending egress or git request, applied in place at once")
  .argument("<id>", "the request id (see `requests`)")
  .option("--for <duration>", "the grant runs out after this long (e.g. 30m, 2h, 1d)")
  .option(...lockOption)
  .action((id, options) =>
    run(async () => (await superviseCommands()).approveCommand(id, options))
  );

program.command("deny")
  .description("refuse a pending request; the agent is told the reason, as final")
  .argument("<id>", "the request id")
  .requiredOption("--reason <text>", "why (the agent reads it)")
  .action((id, options) => run(async () => (await superviseCommands()).denyCommand(id, options)));

program.command("answer")
  .description("answer an agent's ask_human question")
  .argument("<id>", "the request id")
  .argument("<answer>", "the answer, as the agent will read it")
  .action((id, answer) => run(async () => (await superviseCommands()).answerCommand(id, answer)));

program.command("revoke")
  .description("withdraw a grant at once; the bottle's policy is updated in place")
  .argument("<grant>", "the grant id (see `grants`)")
  .option(...lockOption)
  .action((id, options) => run(async () => (await superviseCommands()).revokeCommand(id, options)));

program.command("grants")
  .description("grants in force (--all: every grant); --persist writes one into its manifest")
  .option("--all", "revoked, expired and persisted grants too")
  .option("--json", "machine-readable output")
  .option("--persist <grant>", "write this grant into its bottle's manifest file")
  .option(...lockOption)
  .action((options) => run(async () => (await superviseCommands()).grantsCommand(options)));

try {
  await program.parseAsync(cli.argv, { from: "user" });
} catch (error) {
  const code = (error as { exitCode?: number }).exitCode;
  exitCode = typeof code === "number" ? code : reportError(error, { json: cli.json });
}
Deno.exit(exitCode);
