import assert from "node:assert/strict";
import type { HostTools } from "../preflight.ts";
import { buildExecCommand, type ExecRequest } from "./exec.ts";
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
  // enter.ts is the first program: it closes inherited descriptors and starts the session.
  assert.equal(command.command, "/usr/bin/perl");
  assert.deepEqual(command.args.slice(0, 11), [
    "-e",
    ENTER_SCRIPT,
    "995:994",
    "4242",
    "ipc,uts,net,cgroup,pid,mnt",
    "/workspace/sub dir",
    "1",
    "060000000000ff7f",
    "1",
    "LD_PRELOAD,PATH,TOKEN",
    "308",
  ]);
  assert.deepEqual(command.args.slice(-3), ["git", "status", "--short"]);
});

Deno.test("exec for an ordinary operator: the operator is the owner, nobody to become", () => {
  const command = buildExecCommand({ ...REQUEST, owner: { ...OWNER, switched: false } });
  assert.deepEqual([command.command, ...command.args.slice(0, 4)], [
    "/usr/bin/perl",
    "-e",
    ENTER_SCRIPT,
    "-",
    "4242",
  ]);
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
  assert.deepEqual(words.slice(-3), ["sh", "-c", "echo 'hi' $HOME"]);
  assert.ok(words.includes(ENTER_SCRIPT));
  assert.equal(words.filter((word) => word === "/workspace/sub dir").length, 1);
});

Deno.test("exec refuses an empty command and a relative cwd", () => {
  assert.throws(() => buildExecCommand({ ...REQUEST, argv: [] }), /needs a command/);
  assert.throws(() => buildExecCommand({ ...REQUEST, cwd: "workspace" }), /absolute/);
});

Deno.test("exec refuses an environment variable name the entry program cannot carry", () => {
  assert.throws(
    () => buildExecCommand({ ...REQUEST, env: { "A,B": "x" } }),
    /invalid environment variable name/,
  );
});
