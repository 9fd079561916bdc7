/**
 * The model route's conversation with the real Claude Code binary (through the egress proxy
 * and its DLP engine, to a local stand-in of the Messages API behind a byte tap):
 *
 * - the agent runs `env`: its output (Claude Code's own `CLAUDE_CODE_*` tokens, a bottle token,
 *   the placeholder, the proxy variables) goes back in the next request, which reaches the
 *   model (only warned), and the agent goes on;
 * - the operator's real key sits in a workspace file: printed whole, base64-encoded, or in two
 *   halves on two turns, it never reaches the model; the agent sees a 403 naming the rule and
 *   the place, the audit log says the same, and neither holds the key.
 *
 * Each `bottle run` is a new conversation; the stand-in's two scripted steps run whatever the
 * test wrote into /workspace/step1.sh and step2.sh before that run.
 */
import { join } from "node:path";
import { assert_, assertMatch } from "../assert.ts";
import { type CliResult, expectCode } from "./harness.ts";
import { FINAL_TEXT, startMessagesStandIn } from "./messages_standin.ts";
import { BOTTLE_TOKEN, createSecretsWorld } from "./secrets_world.ts";
import { encodedForms, startTap } from "./tap.ts";

const ROUTE = "api.anthropic.com";

Deno.test({
  name: "claude: `env` in the conversation goes on; the real key never reaches the model",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const standIn = startMessagesStandIn(["sh /workspace/step1.sh", "sh /workspace/step2.sh"]);
    const tap = startTap(standIn.port);
    // `sk-ant-test-` is public; the 36 characters of the UUID are the private part.
    const realKey = `sk-ant-test-${crypto.randomUUID()}`;
    const firstHalf = realKey.slice(0, 12 + 16);
    const secondHalf = realKey.slice(12 + 16);
    const { world, workspace, steps, run, audit, refused: refusedWith } = await createSecretsWorld({
      provider: "claude",
      route: ROUTE,
      tapPort: tap.port,
      scheme: "x-api-key",
      keyEnv: "ANTHROPIC_API_KEY",
      realKey,
    });
    const refused = (result: CliResult, rule: string, what: RegExp): Promise<void> =>
      refusedWith(result, rule, what, secondHalf);
    try {
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply (installs Claude Code)");
      await Deno.writeTextFile(join(workspace, "leak.txt"), realKey);
      const placeholder =
        (await world.cli(["exec", "agents", "--", "printenv", "ANTHROPIC_API_KEY"])).stdout.trim();

      await t.step("`env` output reaches the model and the agent goes on", async () => {
        await steps("env", "echo still-going");
        const result = await run();
        expectCode(result, 0, "bottle run (env)");
        assertMatch(result.stdout, new RegExp(FINAL_TEXT));
        const results = standIn.received.at(-1)?.toolResults ?? [];
        assertMatch(results[0] ?? "", new RegExp(`^DEPLOY_TOKEN=${BOTTLE_TOKEN}$`, "m"));
        assertMatch(results[0] ?? "", /^CLAUDE_CODE_\w*TOKEN=[0-9a-f]{16,}$/m);
        assertMatch(results[0] ?? "", new RegExp(`^ANTHROPIC_API_KEY=${placeholder}$`, "m"));
        assertMatch(results[0] ?? "", /^HTTPS?_PROXY=http:\/\/127\.0\.0\.1:3128/m);
        assertMatch(results[1] ?? "", /still-going/);
        const warned = (await audit()).filter((l) => l.path === "/v1/messages")
          .flatMap((l) => l.dlp_warnings ?? []);
        assert_(warned.includes("generic-secret-assignment@body"), `warnings: ${warned}`);
      });

      await t.step(
        "half the key on one turn goes, the other half on the next is refused",
        async () => {
          await steps("head -c 28 /workspace/leak.txt", "tail -c +29 /workspace/leak.txt");
          await refused(await run(), `bottle-secret-split:${ROUTE}`, /after another part of it/);
        },
      );

      await t.step("the key printed whole is refused, naming rule and place", async () => {
        await steps("cat /workspace/leak.txt", "true");
        await refused(await run(), `dlp:bottle-secret:${ROUTE}`, /secret for api\.anthropic\.com/);
      });

      await t.step("the key in base64 is refused too", async () => {
        await steps("base64 -w0 /workspace/leak.txt", "true");
        await refused(await run(), `dlp:bottle-secret:${ROUTE}`, /base64/);
      });

      await t.step("the model never got the key in any form, nor the second half", async () => {
        // The proxy injects the key as the x-api-key header: that is the route doing its job.
        const sent = tap.sent().replaceAll(`x-api-key: ${realKey}\r\n`, "");
        for (const form of [...encodedForms(realKey), secondHalf]) {
          assert_(!sent.includes(form), `the stand-in received ${form}`);
        }
        assert_(sent.includes(firstHalf), "the first half was never sent: the test proves less");
        const log = (await world.cli(["logs", "agents", "--egress"])).stdout;
        for (const form of [...encodedForms(realKey), secondHalf, firstHalf]) {
          assert_(!log.includes(form), "the audit log holds the key");
        }
      });
    } finally {
      expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
      await tap.close();
      await standIn.close();
    }
  },
});
