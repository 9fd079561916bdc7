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
import { join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { type CliResult, expectCode } from "./harness.ts";
import { FINAL_TEXT, type ScriptStep, startResponsesStandIn } from "./responses_standin.ts";
import { BOTTLE_TOKEN, createSecretsWorld } from "./secrets_world.ts";
import { encodedForms, startTap } from "./tap.ts";

const ROUTE = "api.openai.com";

function shell(cmd: string): ScriptStep {
  const js = `const r = await tools.exec_command(${JSON.stringify({ cmd })});\ntext(r.output);`;
  return { name: "exec", namespace: "functions", input: js };
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
    const { world, workspace, steps, run, audit, refused: refusedWith } = await createSecretsWorld({
      provider: "codex",
      route: ROUTE,
      tapPort: tap.port,
      scheme: "bearer",
      keyEnv: "OPENAI_API_KEY",
      realKey,
    });
    const refused = (result: CliResult, what: RegExp): Promise<void> =>
      refusedWith(result, `dlp:bottle-secret:${ROUTE}`, what, realKey);
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
