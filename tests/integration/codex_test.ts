/**
 * The codex provider end to end with the real Codex 0.169.0 binary: `apply` installs it into
 * the cache and maps its static binary into the bottle; it talks to https://api.openai.com
 * through the egress proxy, whose route (test-only `upstream`) leads to a local stand-in of
 * the Responses API. The real key reaches only the stand-in; the agent's prompt, skill and
 * MCP server reach the model; `bottle attach --continue` resumes the run's conversation.
 *
 * Codex's default model declares one tool up front, code mode's `exec` (JavaScript run by
 * `codex-code-mode-host`), with `exec_command` and the MCP servers' tools nested in it; MCP
 * tools are "deferred": not described in the request, listed in `ALL_TOOLS` inside `exec`. So
 * the stand-in drives every step through `exec`, as the model would.
 */
import { dirname, join } from "node:path";
import { shellJoin } from "../../backends/bwrap/shell.ts";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { agentUid, type CliResult, expectCode, standInEgress, World } from "./harness.ts";
import { OuterTmux, TMUX } from "./outer_tmux.ts";
import { waitForFile } from "../wait_for_file.ts";
import { FINAL_TEXT, type ScriptStep, startResponsesStandIn } from "./responses_standin.ts";
import { sleep } from "../../lib/wait.ts";
import { sha256Hex } from "../../lib/sha256.ts";

const DENIED = "denied.example.net";
const CODEX_HOME = "/home/agent/.bot-bottle/agents/coder/codex";
const MCP_SERVER = new URL("./fixtures/echo_mcp.mjs", import.meta.url);

function codeMode(js: string): ScriptStep {
  return { name: "exec", namespace: "functions", input: js };
}

function shell(cmd: string): ScriptStep {
  return codeMode(
    `const r = await tools.exec_command(${JSON.stringify({ cmd })});\ntext(r.output);`,
  );
}

/** Types a line into the TUI; Enter comes later, or Codex takes the burst for a paste. */
async function submit(outer: OuterTmux, line: string): Promise<void> {
  await outer.keys("-l", line);
  await sleep(500);
  await outer.keys("Enter");
}

Deno.test({
  name: "codex: real CLI in a bottle; tools and MCP run inside; key injected; prompt, skill sent",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const standIn = startResponsesStandIn([
      shell("echo made-in-bottle > /workspace/proof.txt && id -u"),
      shell(`curl -sS -i --max-time 10 http://${DENIED}/ 2>&1; true`),
      // Printing the placeholder itself would put it in the next request's body: blocked.
      shell('printf %s "$OPENAI_API_KEY" | sha256sum; printenv CODEX_HOME'),
      codeMode(
        'const r = await tools.mcp__echo__bottle_echo({ text: "ping-42" });\n' +
          "text(r.content[0].text);\ntext(JSON.stringify(ALL_TOOLS.map((tool) => tool.name)));",
      ),
    ]);
    const realKey = `sk-proj-test-${crypto.randomUUID()}`;
    const world = await World.create({ OPENAI_API_KEY: realKey });
    world.env.BOT_BOTTLE_CACHE_DIR = join(dirname(world.stateDir), "cache");
    await world.writeBottle(
      "agents",
      standInEgress("api.openai.com", standIn.port, "bearer", "OPENAI_API_KEY"),
    );
    await world.writeSkill("release-notes", "SKILL-MARKER drafts release notes.", "Do it.");
    await world.writeAgent(
      "coder",
      `provider: codex
bottle: agents
skills: [../skills/release-notes]
mcp_servers:
  echo:
    command: [/usr/bin/node, /workspace/echo_mcp.mjs]
    env: { ECHO_TAG: 'tag "quoted"' }`,
      "You are a careful coder. PROMPT-MARKER",
    );
    const exec = (argv: string[], env: Record<string, string> = {}): Promise<CliResult> =>
      world.cli([
        "exec",
        ...Object.entries(env).flatMap(([key, value]) => ["-e", `${key}=${value}`]),
        "agents",
        "--",
        ...argv,
      ]);
    const outer = new OuterTmux();
    try {
      let started = Date.now();
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply (installs Codex)");
      console.log(`apply with install: ${((Date.now() - started) / 1000).toFixed(1)}s`);
      const server = await Deno.readTextFile(MCP_SERVER);
      const copy = ["sh", "-c", 'printf %s "$1" > /workspace/echo_mcp.mjs', "sh", server];
      expectCode(await exec(copy), 0, "copy the MCP server into the workspace");

      const placeholder = (await exec(["printenv", "OPENAI_API_KEY"])).stdout.trim();
      started = Date.now();
      const run = await world.cli(["run", "coder", "-p", "STANDIN-SCRIPT: do the steps"]);
      console.log(`bottle run: ${((Date.now() - started) / 1000).toFixed(1)}s`);
      const outputs = standIn.received.at(-1)?.toolOutputs ?? [];

      await t.step("bottle run exits 0 and prints the stand-in's final text", () => {
        expectCode(run, 0, "bottle run");
        assertEquals(run.stdout, `${FINAL_TEXT}\n`);
      });

      await t.step("exec_command ran inside the sandbox, as the agent", async () => {
        assertEquals((await exec(["cat", "/workspace/proof.txt"])).stdout, "made-in-bottle\n");
        assertMatch(outputs[0] ?? "", new RegExp(`Output:\\n${agentUid()}\\n?$`));
      });

      await t.step(
        "the stand-in got the real key; the agent only holds the placeholder",
        () => {
          const keys = standIn.received.map((request) => request.authorization);
          assertEquals(keys.length, 5, "four tool calls, then the final text");
          assert_(keys.every((key) => key === `Bearer ${realKey}`), "a request without the key");
          assertMatch(placeholder, /^bb_placeholder_[0-9a-f]+$/);
          const digest = sha256Hex(placeholder);
          assertMatch(outputs[2] ?? "", new RegExp(`${digest}  -\\n${CODEX_HOME}\\n?$`));
        },
      );

      await t.step("a denied host fails with the proxy's reason in the tool output", () => {
        assertMatch(outputs[1] ?? "", /HTTP\/1\.1 403/);
        assertMatch(outputs[1] ?? "", /not in this bottle's egress allowlist/);
      });

      await t.step("the prompt (developer instructions) and the skill reach the model", () => {
        const messages = standIn.received[0]?.messages ?? [];
        const developer = messages.filter((m) => m.role === "developer").map((m) => m.text);
        assert_(
          developer.some((text) => text.startsWith("You are a careful coder. PROMPT-MARKER")),
        );
        const skills = developer.join("\n").split("<skills_instructions>")[1] ?? "";
        assertMatch(skills, /\n- release-notes: SKILL-MARKER drafts release notes\./);
        assertMatch(skills, new RegExp(`\`r0\` = \`${CODEX_HOME}/skills\``));
      });

      await t.step("the MCP server is registered, started in the bottle and called", async () => {
        const list = await exec(["codex", "mcp", "list", "--json"], { CODEX_HOME });
        expectCode(list, 0, "codex mcp list");
        const servers: { name: string }[] = JSON.parse(list.stdout);
        assertEquals(servers.map((entry) => entry.name), ["echo"]);
        assertMatch(
          outputs[3] ?? "",
          new RegExp(`Output:\\necho: ping-42 \\(tag "quoted"\\) uid=${agentUid()}\\b`),
        );
        assertMatch(outputs[3] ?? "", /"mcp__echo__bottle_echo"/);
      });

      await t.step("Codex reached only api.openai.com (no plugin sync)", async () => {
        const log = (await world.cli(["logs", "agents", "--egress"])).stdout.trim().split("\n");
        const hosts = new Set(log.map((line) => (JSON.parse(line) as { host: string }).host));
        assertEquals([...hosts].sort(), ["api.openai.com", DENIED]);
        // Only POST /v1/responses reached the stand-in: no WebSocket upgrade, no model list.
        assertEquals(standIn.others, []);
      });

      await t.step("Codex accepts the whole config strictly; the CLI is read-only", async () => {
        const strict = await exec([
          "codex",
          "exec",
          "--strict-config",
          "--skip-git-repo-check",
          "--ephemeral",
          "--",
          "hello",
        ], { CODEX_HOME });
        expectCode(strict, 0, "codex exec --strict-config");
        assertEquals(strict.stdout, "hi from standin\n");
        const write = await exec(["sh", "-c", "touch /opt/bot-bottle/codex/x"]);
        assert_(write.code !== 0, "the agent could write into the CLI's install");
      });

      await t.step({
        name: "attach --continue resumes the run in the TUI; no daemon, no drift after",
        ignore: TMUX === null,
        fn: async () => {
          const status = join(world.dir, "attach.status");
          const attach = world.shellCommand(["attach", "coder", "--continue"]);
          await outer.start(`${attach}; echo $? > ${shellJoin([status])}; sleep 30`, world.dir);
          await outer.shows(/STANDIN-SCRIPT: do the steps/, 20);
          await submit(outer, "hello from attach");
          await outer.shows(/hello from attach[\s\S]*standin done/, 20);
          const turn = standIn.received.find((r) =>
            r.messages.at(-1)?.text === "hello from attach"
          );
          const texts = turn?.messages.map((message) => message.text) ?? [];
          assert_(texts.includes("STANDIN-SCRIPT: do the steps"), "the run was not resumed");
          await submit(outer, "/exit");
          assertEquals(await waitForFile(status), "0\n");
          const home = await exec(["ls", "-A", CODEX_HOME]);
          assert_(!/^packages$/m.test(home.stdout), `the TUI copied its release:\n${home.stdout}`);
          expectCode(await exec(["pgrep", "-f", "app-server"]), 1, "no background app-server");
          expectCode(await world.cli(["drift"]), 0, "drift after attach");
        },
      });
    } finally {
      await outer.kill();
      expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
      await standIn.close();
      // The per-test cache (about 400 MB; the operator's cache is never removed).
      await Deno.remove(world.env.BOT_BOTTLE_CACHE_DIR, { recursive: true });
    }
  },
});
