/**
 * The model route's conversation with the real Codex binary (through the egress proxy and its
 * DLP engine, to a local stand-in of the Responses API behind a byte tap): the agent's `env`
 * output (a token, the placeholder, the proxy variables) reaches the model and the agent goes
 * on; the operator's real key, printed from a workspace file whole or base64-encoded, never
 * reaches it, and the agent and the audit log are told which rule matched where.
 *
 * As in codex_test.ts, every step goes through code mode's `exec` (Codex's one declared tool);
 * the two steps run whatever the test wrote into /workspace/step1.sh and step2.sh.
 */
import { dirname, join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { type CliResult, expectCode, standInEgress, World } from "./harness.ts";
import { FINAL_TEXT, type ScriptStep, startResponsesStandIn } from "./responses_standin.ts";
import { encodedForms, startTap } from "./tap.ts";

const BOTTLE_TOKEN = "3f9c2a71be04d85e6a1c7f20d9b34e58";
const ROUTE = "api.openai.com";

function shell(cmd: string): ScriptStep {
  const js = `const r = await tools.exec_command(${JSON.stringify({ cmd })});\ntext(r.output);`;
  return { name: "exec", namespace: "functions", input: js };
}

interface AuditLine {
  path: string | null;
  rule: string | null;
  verdict: string;
  reason: string;
  dlp_warnings?: string[];
}

Deno.test({
  name: "codex: `env` in the conversation goes on; the real key never reaches the model",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const standIn = startResponsesStandIn([
      shell("sh /workspace/step1.sh"),
      shell("sh /workspace/step2.sh"),
    ]);
    const tap = startTap(standIn.port);
    const realKey = `sk-proj-test-${crypto.randomUUID()}`;
    const world = await World.create({ OPENAI_API_KEY: realKey });
    world.env.BOT_BOTTLE_CACHE_DIR = join(dirname(world.stateDir), "cache");
    await world.writeBottle(
      "agents",
      `env: { DEPLOY_TOKEN: "${BOTTLE_TOKEN}" }\n` +
        standInEgress(ROUTE, tap.port, "bearer", "OPENAI_API_KEY"),
    );
    await Deno.writeTextFile(
      join(world.dir, "agents", "coder.md"),
      "---\nprovider: codex\nbottle: agents\n---\nYou are a careful coder.\n",
    );
    const workspace = join(world.stateDir, "bottles", "agents", "workspace");
    const steps = async (first: string, second: string): Promise<void> => {
      await Deno.writeTextFile(join(workspace, "step1.sh"), `${first}\n`);
      await Deno.writeTextFile(join(workspace, "step2.sh"), `${second}\n`);
    };
    const run = (): Promise<CliResult> =>
      world.cli(["run", "coder", "-p", "STANDIN-SCRIPT: do the steps"]);
    const audit = async (): Promise<AuditLine[]> =>
      (await world.cli(["logs", "agents", "--egress"])).stdout.trim().split("\n")
        .map((line) => JSON.parse(line) as AuditLine);
    const refused = async (result: CliResult, what: RegExp): Promise<void> => {
      assert_(result.code !== 0, `the run went on:\n${result.stdout}`);
      const told = result.stdout + result.stderr;
      assertMatch(told, /403/);
      assertMatch(told, /rule "bottle-secret:api\.openai\.com" matched the request body/);
      // The agent read the file, so its own output may show the key; the proxy's answer never does.
      const answers = told.split("\n").filter((l) => /egress proxy|reason:|403/.test(l));
      assert_(answers.every((l) => !l.includes(realKey)), `the 403 holds the key: ${answers}`);
      const line = (await audit()).find((l) =>
        l.rule === `dlp:bottle-secret:${ROUTE}` && l.verdict === "deny" && what.test(l.reason)
      );
      assert_(line !== undefined, `no audit line for the key matching ${what}`);
      assertMatch(line.reason, /matched the request body/);
    };
    try {
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply (installs Codex)");
      await Deno.writeTextFile(join(workspace, "leak.txt"), realKey);
      const placeholder = (await world.cli(["exec", "agents", "--", "printenv", "OPENAI_API_KEY"]))
        .stdout.trim();

      await t.step("`env` output reaches the model and the agent goes on", async () => {
        await steps("env", "echo still-going");
        const result = await run();
        expectCode(result, 0, "bottle run (env)");
        assertEquals(result.stdout, `${FINAL_TEXT}\n`);
        const outputs = standIn.received.at(-1)?.toolOutputs ?? [];
        assertMatch(outputs[0] ?? "", new RegExp(`^DEPLOY_TOKEN=${BOTTLE_TOKEN}$`, "m"));
        assertMatch(outputs[0] ?? "", new RegExp(`^OPENAI_API_KEY=${placeholder}$`, "m"));
        assertMatch(outputs[0] ?? "", /^HTTPS?_PROXY=http:\/\/127\.0\.0\.1:3128/m);
        assertMatch(outputs[1] ?? "", /still-going/);
        const warned = (await audit()).filter((l) => l.path === "/v1/responses")
          .flatMap((l) => l.dlp_warnings ?? []);
        assert_(warned.includes("generic-secret-assignment@body"), `warnings: ${warned}`);
      });

      await t.step("the key printed whole is refused, naming rule and place", async () => {
        await steps("cat /workspace/leak.txt", "true");
        await refused(await run(), /secret for api\.openai\.com \(/);
      });

      await t.step("the key in base64 is refused too", async () => {
        await steps("base64 -w0 /workspace/leak.txt", "true");
        await refused(await run(), /base64/);
      });

      await t.step("the model never got the key in any form", async () => {
        // The proxy injects the key as the Authorization header: the route doing its job.
        const sent = tap.sent().replaceAll(`Authorization: Bearer ${realKey}\r\n`, "");
        for (const form of encodedForms(realKey)) {
          assert_(!sent.includes(form), `the stand-in received ${form}`);
        }
        const log = (await world.cli(["logs", "agents", "--egress"])).stdout;
        for (const form of encodedForms(realKey)) {
          assert_(!log.includes(form), "audit holds the key");
        }
      });
    } finally {
      expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
      await tap.close();
      await standIn.close();
      await Deno.remove(world.env.BOT_BOTTLE_CACHE_DIR, { recursive: true });
    }
  },
});
