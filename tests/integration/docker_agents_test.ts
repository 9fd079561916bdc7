/**
 * The real agents on the docker backend, as claude_test.ts and codex_test.ts run them on bwrap:
 * Claude Code and Codex installed into the cache and mapped read-only into the container, each
 * talking to its provider through the egress proxy (the route leads to a local stand-in), the
 * tools running inside as the bottle's owner, the real key reaching only the stand-in, a denied
 * host explained. Needs a Docker daemon (CI starts one).
 */
import { dirname, join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { requireDocker } from "../../backends/docker/testing.ts";
import { sandboxOwner } from "../../backends/bwrap/owner.ts";
import { expectCode, standInEgress, World } from "./harness.ts";
import { FINAL_TEXT, startMessagesStandIn } from "./messages_standin.ts";
import {
  FINAL_TEXT as CODEX_FINAL_TEXT,
  type ScriptStep,
  startResponsesStandIn,
} from "./responses_standin.ts";

const DENIED = "denied.example.net";
const PROOF = "echo made-in-docker > /workspace/proof.txt && id -u";
const CURL_DENIED = `curl -sS -i --max-time 10 http://${DENIED}/ 2>&1; true`;

async function dockerWorld(keyEnv: string, key: string, egress: string): Promise<World> {
  const world = await World.create({ [keyEnv]: key });
  world.env.BOT_BOTTLE_CACHE_DIR = join(dirname(world.stateDir), "cache");
  await world.writeBottle("agents", `backend: docker\n${egress}`);
  return world;
}

Deno.test({
  name:
    "docker: real Claude Code in a container, tools inside, key injected, denied host explained",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await requireDocker();
    const standIn = startMessagesStandIn([PROOF, CURL_DENIED, "printenv ANTHROPIC_API_KEY"]);
    const realKey = `sk-ant-test-${crypto.randomUUID()}`;
    const world = await dockerWorld(
      "ANTHROPIC_API_KEY",
      realKey,
      standInEgress("api.anthropic.com", standIn.port, "x-api-key", "ANTHROPIC_API_KEY"),
    );
    await world.writeAgent("coder", "provider: claude\nbottle: agents", "You are careful.");
    try {
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply (installs Claude Code)");
      const run = await world.cli(["run", "coder", "-p", "STANDIN-SCRIPT: do the steps"]);
      expectCode(run, 0, "bottle run");
      assertMatch(run.stdout, new RegExp(FINAL_TEXT));
      const workspace = join(world.stateDir, "bottles", "agents", "workspace");
      assertEquals(await Deno.readTextFile(join(workspace, "proof.txt")), "made-in-docker\n");
      const results = standIn.received.at(-1)?.toolResults ?? [];
      assertMatch(results[0] ?? "", new RegExp(`^${sandboxOwner().uid}\\b`, "m"));
      assertMatch(results[1] ?? "", /403/);
      assertMatch(results[1] ?? "", /not in this bottle's egress allowlist/);
      assertMatch(results[2]?.trim() ?? "", /^bb_placeholder_[0-9a-f]+$/);
      const keys = standIn.received.map((request) => request.apiKey);
      assert_(keys.length >= 3 && keys.every((key) => key === realKey), "the key was not injected");
      const write = await world.cli([
        "exec",
        "agents",
        "--",
        "sh",
        "-c",
        "touch /opt/bot-bottle/claude-code/x",
      ]);
      assert_(write.code !== 0, "the agent could write into the CLI's install");
    } finally {
      expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
      await standIn.close();
    }
  },
});

function shell(cmd: string): ScriptStep {
  return {
    name: "exec",
    namespace: "functions",
    input: `const r = await tools.exec_command(${JSON.stringify({ cmd })});\ntext(r.output);`,
  };
}

Deno.test({
  name: "docker: real Codex in a container, tools inside, key injected, denied host explained",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await requireDocker();
    const standIn = startResponsesStandIn([shell(PROOF), shell(CURL_DENIED)]);
    const realKey = `sk-proj-test-${crypto.randomUUID()}`;
    const world = await dockerWorld(
      "OPENAI_API_KEY",
      realKey,
      standInEgress("api.openai.com", standIn.port, "bearer", "OPENAI_API_KEY"),
    );
    await world.writeAgent("coder", "provider: codex\nbottle: agents", "You are careful.");
    try {
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply (installs Codex)");
      const run = await world.cli(["run", "coder", "-p", "STANDIN-SCRIPT: do the steps"]);
      expectCode(run, 0, "bottle run");
      assertEquals(run.stdout, `${CODEX_FINAL_TEXT}\n`);
      const proof = await world.cli(["exec", "agents", "--", "cat", "/workspace/proof.txt"]);
      assertEquals(proof.stdout, "made-in-docker\n");
      const outputs = standIn.received.at(-1)?.toolOutputs ?? [];
      assertMatch(outputs[0] ?? "", new RegExp(`Output:\\n${sandboxOwner().uid}\\n?$`));
      assertMatch(outputs[1] ?? "", /HTTP\/1\.1 403/);
      assertMatch(outputs[1] ?? "", /not in this bottle's egress allowlist/);
      const keys = standIn.received.map((request) => request.authorization);
      assert_(keys.every((key) => key === `Bearer ${realKey}`), "a request without the key");
    } finally {
      expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
      await standIn.close();
    }
  },
});
