import assert from "node:assert/strict";
import type { HostTools } from "../preflight.ts";
import { buildExecCommand, ENV_SCRIPT, type ExecRequest } from "./exec.ts";
import { ENTER_SCRIPT } from "./enter.ts";
import type { SandboxOwner } from "./owner.ts";

const TOOLS: HostTools = {
  bwrap: "/usr/bin/bwrap",
  socat: "/usr/bin/socat",
  setpriv: "/usr/bin/setpriv",
  setsid: "/usr/bin/setsid",
  script: "/usr/bin/script",
  bash: "/usr/bin/bash",
  unshare: "/usr/bin/unshare",
  perl: "/usr/bin/perl",
};

const OWNER: SandboxOwner = { uid: 995, gid: 994, name: "bot-bottle", switched: true };

const REQUEST: ExecRequest = {
  tools: TOOLS,
  owner: OWNER,
  seccomp: new Uint8Array([6, 0, 0, 0, 0, 0, 255, 127]),
  innerPid: 4242,
  env: { PATH: "/usr/bin:/bin", TOKEN: "placeholder-value", LD_PRELOAD: "/home/agent/x.so" },
  cwd: "/workspace/sub dir",
  argv: ["git", "status", "--short"],
  tty: false,
};

Deno.test("exec without a TTY: new session, as the owner, every namespace, filtered", () => {
  const command = buildExecCommand(REQUEST);
  assert.equal(command.command, "/usr/bin/bash");
  const program = command.args.slice(3);
  assert.deepEqual(program.slice(0, 12), [
    "/usr/bin/setsid",
    "--wait",
    "/usr/bin/perl",
    "-e",
    ENTER_SCRIPT,
    "995:994",
    "4242",
    "ipc,uts,net,cgroup,pid,mnt",
    "/workspace/sub dir",
    "1",
    "060000000000ff7f",
    "308",
  ]);
  assert.deepEqual(program.slice(-7), [
    "LD_PRELOAD",
    "PATH",
    "TOKEN",
    "--",
    "git",
    "status",
    "--short",
  ]);
});

Deno.test("exec for an ordinary operator: the operator is the owner, nobody to become", () => {
  const command = buildExecCommand({ ...REQUEST, owner: { ...OWNER, switched: false } });
  const program = command.args.slice(3);
  assert.deepEqual(program.slice(2, 7), ["/usr/bin/perl", "-e", ENTER_SCRIPT, "-", "4242"]);
});

Deno.test("exec env crosses the host prefixed: never in argv, never acting on the host side", () => {
  const command = buildExecCommand(REQUEST);
  assert.deepEqual(command.env, {
    PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
    BOTTLE_ENV_PATH: "/usr/bin:/bin",
    BOTTLE_ENV_TOKEN: "placeholder-value",
    BOTTLE_ENV_LD_PRELOAD: "/home/agent/x.so",
  });
  assert.ok(!command.args.some((arg) => arg.includes("placeholder-value")));
});

Deno.test("exec with a TTY: script allocates the pty on the host, argv quoted exactly", async () => {
  const command = buildExecCommand({
    ...REQUEST,
    tty: true,
    argv: ["sh", "-c", "echo 'hi' $HOME"],
  });
  const program = command.args.slice(3);
  assert.deepEqual([program[0], program[1], program[3]], ["/usr/bin/script", "-qfec", "/dev/null"]);
  const line = program[2];
  assert.ok(line.startsWith("exec /usr/bin/perl "));
  const printed = await new Deno.Command("/bin/sh", {
    args: ["-c", `printf '%s\\0' ${line.slice("exec ".length)}`],
  }).output();
  const words = new TextDecoder().decode(printed.stdout).split("\0").slice(0, -1);
  assert.equal(words[0], "/usr/bin/perl");
  assert.deepEqual(words.slice(-4), ["--", "sh", "-c", "echo 'hi' $HOME"]);
  assert.ok(words.includes(ENTER_SCRIPT));
  assert.equal(words.filter((word) => word === "/workspace/sub dir").length, 1);
});

Deno.test("exec refuses an empty command and a relative cwd", () => {
  assert.throws(() => buildExecCommand({ ...REQUEST, argv: [] }), /needs a command/);
  assert.throws(() => buildExecCommand({ ...REQUEST, cwd: "workspace" }), /absolute/);
});

Deno.test("the env script restores exactly the sandbox's variables", async () => {
  const tricky = "$(echo pwned) `id` \"q\" 'q' \\ \n second line";
  const output = await new Deno.Command("/bin/sh", {
    args: ["-c", ENV_SCRIPT, "bottle-env", "A", "PATH", "--", "/usr/bin/env", "-0"],
    clearEnv: true,
    env: {
      PATH: "/host/only",
      SHLVL: "4",
      BOTTLE_ENV_A: tricky,
      BOTTLE_ENV_PATH: "/usr/bin:/bin",
    },
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  const lines = new TextDecoder().decode(output.stdout).split("\0").filter(Boolean).sort();
  assert.deepEqual(lines, [`A=${tricky}`, "PATH=/usr/bin:/bin"]);
});
