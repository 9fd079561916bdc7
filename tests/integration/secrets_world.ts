/**
 * The world of the model-route secrets tests (claude_secrets_test.ts, codex_secrets_test.ts):
 * a bottle `agents` whose route to the provider's API host goes, through the egress proxy,
 * to a tap in front of a stand-in; an agent `coder` of that provider; a bottle token in the
 * bottle's env; and the operator's real key in the engine's environment. The stand-in runs
 * two scripted steps, whatever the test wrote into /workspace/step1.sh and step2.sh.
 */
import { dirname, join } from "node:path";
import { assert_, assertMatch } from "../assert.ts";
import { type CliResult, standInEgress, World } from "./harness.ts";

/** A token in the bottle's `env`: the agent's `env` output carries it to the model. */
export const BOTTLE_TOKEN = "3f9c2a71be04d85e6a1c7f20d9b34e58";

export interface AuditLine {
  method: string;
  path: string | null;
  rule: string | null;
  verdict: string;
  reason: string;
  status: number;
  dlp_warnings?: string[];
}

export interface SecretsWorldOptions {
  provider: "claude" | "codex";
  /** The provider's API host, routed to the tap. */
  route: string;
  tapPort: number;
  scheme: string;
  keyEnv: string;
  realKey: string;
}

export interface SecretsWorld {
  world: World;
  workspace: string;
  /** Writes the two steps the stand-in's script runs. */
  steps(first: string, second: string): Promise<void>;
  /** `bottle run coder`, which runs the stand-in's script. */
  run(): Promise<CliResult>;
  audit(): Promise<AuditLine[]>;
  /**
   * The run was refused by `rule` (in the audit log: `dlp:…`), and the agent was told so in
   * a 403 that does not hold `hidden`; the audit log's denial matches `what`.
   */
  refused(result: CliResult, rule: string, what: RegExp, hidden: string): Promise<void>;
}

export async function createSecretsWorld(options: SecretsWorldOptions): Promise<SecretsWorld> {
  const { route, keyEnv } = options;
  const world = await World.create({ [keyEnv]: options.realKey });
  world.env.BOT_BOTTLE_CACHE_DIR = join(dirname(world.stateDir), "cache");
  await world.writeBottle(
    "agents",
    `env: { DEPLOY_TOKEN: "${BOTTLE_TOKEN}" }\n` +
      standInEgress(route, options.tapPort, options.scheme, keyEnv),
  );
  await world.writeAgent(
    "coder",
    `provider: ${options.provider}\nbottle: agents`,
    "You are a careful coder.",
  );
  const workspace = join(world.stateDir, "bottles", "agents", "workspace");
  const audit = async (): Promise<AuditLine[]> =>
    (await world.cli(["logs", "agents", "--egress"])).stdout.trim().split("\n")
      .map((line) => JSON.parse(line) as AuditLine);
  return {
    world,
    workspace,
    async steps(first: string, second: string): Promise<void> {
      await Deno.writeTextFile(join(workspace, "step1.sh"), `${first}\n`);
      await Deno.writeTextFile(join(workspace, "step2.sh"), `${second}\n`);
    },
    run: (): Promise<CliResult> =>
      world.cli(["run", "coder", "-p", "STANDIN-SCRIPT: do the steps"]),
    audit,
    async refused(result: CliResult, rule: string, what: RegExp, hidden: string): Promise<void> {
      assert_(result.code !== 0, `the run went on:\n${result.stdout}`);
      const told = result.stdout + result.stderr;
      assertMatch(told, /403/);
      const named = rule.replace(/^dlp:/, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      assertMatch(told, new RegExp(`rule "${named}" matched the request body`));
      // The agent read the file, so its own output may show the key; the proxy's answer never does.
      const answers = told.split("\n").filter((l) => /egress proxy|reason:|403/.test(l));
      assert_(answers.every((l) => !l.includes(hidden)), `the 403 holds the key: ${answers}`);
      const line = (await audit()).find((l) =>
        l.rule === rule && l.verdict === "deny" && what.test(l.reason)
      );
      assert_(line !== undefined, `no audit line for ${rule} matching ${what}`);
      assertMatch(line.reason, /matched the request body/);
    },
  };
}
