/** The full CLI: every command, parsed with commander, each loading its module lazily. */
import { Command } from "commander";
import { reportError } from "./errors.ts";

type Action = () => Promise<number> | number;

let exitCode = 0;
const run = async (action: Action): Promise<void> => {
  try {
    exitCode = await action();
  } catch (error) {
    exitCode = reportError(error);
  }
};

const program = new Command("bottle")
  .description("Run AI coding agents in bottles whose only ways out are sidecars you control.")
  .enablePositionalOptions()
  .showHelpAfterError()
  .exitOverride();

const dirOption = ["--dir <dir>", "manifest directory (holds bottles/ and agents/)", "."] as const;
const lockOption = [
  "--lock-timeout <duration>",
  "wait this long for the state lock",
  "0s",
] as const;
const parallelOption = ["--parallelism <n>", "steps applied at once", "4"] as const;
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
  .option(...cwdOption)
  .action((options) => run(async () => (await import("./apply_command.ts")).planCommand(options)));

program.command("apply")
  .description("make live resources match the manifests (or apply a saved plan)")
  .argument("[plan-file]", "a plan saved with `plan --out`")
  .option(...dirOption)
  .option("-y, --yes", "do not ask for confirmation")
  .option(...lockOption)
  .option(...parallelOption)
  .option(...cwdOption)
  .action((planFile, options) =>
    run(async () => (await import("./apply_command.ts")).applyCommand(planFile, options))
  );

program.command("destroy")
  .description("tear down everything applied from --dir, in reverse dependency order")
  .option(...dirOption)
  .option("-y, --yes", "do not ask for confirmation")
  .option("--bottle <name...>", "only these bottles")
  .option(...lockOption)
  .option(...parallelOption)
  .action((options) =>
    run(async () => (await import("./apply_command.ts")).destroyCommand(options))
  );

program.command("drift")
  .description("refresh live state and report what changed behind bot-bottle's back (exit 2)")
  .option(...dirOption)
  .option("--json", "machine-readable output")
  .option("--all", "every recorded bottle, not only those of --dir")
  .option("--detailed-exitcode", "accepted for symmetry with plan; drift always exits 2 on drift")
  .action((options) =>
    run(async () => (await import("./inspect_commands.ts")).driftCommand(options))
  );

program.command("list")
  .description("list applied bottles and their health")
  .option(...dirOption)
  .option("--json", "machine-readable output")
  .action((options) =>
    run(async () => (await import("./inspect_commands.ts")).listCommand(options))
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
    run(async () => (await import("./exec_command.ts")).execCommand(bottle, argv, options))
  );

program.command("export")
  .description("fetch a bottle's branches into a repository as refs/remotes/bottle/BOTTLE/*")
  .argument("<bottle>")
  .option("--to <repo>", "the repository to fetch into (default: the workspace's source)")
  .action((bottle, options) =>
    run(async () => (await import("./export_command.ts")).exportCommand(bottle, options))
  );

program.command("run")
  .description('run one unattended turn of an agent in its bottle: bottle run AGENT -p "…"')
  .argument("<agent>")
  .requiredOption("-p, --prompt <text>", "what to ask the agent")
  .action((agent, options) =>
    run(async () => (await import("./run_command.ts")).runCommand(agent, options))
  );

program.command("attach")
  .description("the agent's interactive session (detach: C-] or C-b d; it keeps running)")
  .argument("<agent>")
  .option("-c, --continue", "resume the last conversation (a fresh one when there is none)")
  .action((agent, options) =>
    run(async () => (await import("./attach_command.ts")).attachCommand(agent, options))
  );

program.command("shell")
  .description("an interactive shell inside a bottle")
  .argument("<bottle>")
  .action((bottle) =>
    run(async () =>
      (await import("./exec_command.ts")).execCommand(bottle, ["/bin/bash", "-l"], {
        tty: Deno.stdin.isTerminal(),
      })
    )
  );

program.command("logs")
  .description("show a bottle's logs (--egress: the egress audit log)")
  .argument("<bottle>")
  .option(...dirOption)
  .option("--egress", "the egress proxy's audit log (one JSON line per decision)")
  .option("-f, --follow", "keep printing new lines")
  .action((bottle, options) =>
    run(async () => (await import("./inspect_commands.ts")).logsCommand(bottle, options))
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
    run(async () => (await import("./verify_command.ts")).verifyCommand(bottle, options))
  );

program.command("force-unlock")
  .description("remove the state lock (only when its holder is gone)")
  .option(...dirOption)
  .action((options) =>
    run(async () => (await import("./inspect_commands.ts")).forceUnlockCommand(options))
  );

try {
  await program.parseAsync(Deno.args, { from: "user" });
} catch (error) {
  const code = (error as { exitCode?: number }).exitCode;
  exitCode = typeof code === "number" ? code : reportError(error);
}
Deno.exit(exitCode);
