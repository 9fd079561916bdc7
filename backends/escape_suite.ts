/**
 * The network half of the escape suite, the same for every backend: the door is the only way
 * out. Host-side services only ever listen on 127.0.0.0/8; 10.0.0.1 is dialled only from
 * inside, where no route exists for it.
 */
import assert from "node:assert/strict";
import type { Backend, DoorService, SandboxHandle, SandboxSpec } from "./backend.ts";
import { type DoorStub, inside } from "./testing.ts";
import { poll, sleep } from "../lib/wait.ts";
import { runOutput } from "../lib/command.ts";

/** The service the suite's sandbox must be started with (and a DoorStub served on its socket). */
export const ESCAPE_DOOR: DoorService = { name: "egress", port: 3128, socket: "egress.sock" };
const DOOR_PORT = ESCAPE_DOOR.port;

export async function networkEscapeSteps(
  t: Deno.TestContext,
  backend: Backend,
  handle: SandboxHandle,
  spec: SandboxSpec,
  door: DoorStub,
): Promise<void> {
  const run = (script: string): Promise<{ code: number; output: string }> =>
    inside(backend, handle, spec, script);

  await t.step("network: the door reaches the Unix socket on the host", async () => {
    const { code, output } = await run(
      `printf ping | socat -t 2 - TCP:127.0.0.1:${DOOR_PORT},connect-timeout=2`,
    );
    assert.equal(code, 0, output);
    assert.equal(output, "pong\n");
    assert.ok(door.requests >= 1);
  });

  await t.step("network: the host's loopback services are unreachable", async () => {
    const host = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (host.addr as Deno.NetAddr).port;
    let accepted = 0;
    const accepting = (async (): Promise<void> => {
      for await (const connection of host) {
        accepted++;
        connection.close();
      }
    })();
    try {
      const control = await Deno.connect({ hostname: "127.0.0.1", port });
      control.close();
      const { code, output } = await run(
        `socat -u /dev/null TCP:127.0.0.1:${port},connect-timeout=1`,
      );
      assert.notEqual(code, 0);
      assert.match(output, /Connection refused/);
      await sleep(50);
      assert.equal(accepted, 1, "only the host's own control connection arrived");
    } finally {
      host.close();
      await accepting.catch(() => {});
    }
  });

  await t.step("network: host abstract Unix sockets are unreachable", async () => {
    const name = `bottle-escape-${crypto.randomUUID()}`;
    const listener = new Deno.Command("socat", {
      args: [`ABSTRACT-LISTEN:${name},fork`, "SYSTEM:echo leaked"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      // The listener needs a moment to start: "" until it answers.
      const control = await poll(
        () =>
          hostOutput(["socat", "-t", "2", "-", `ABSTRACT-CONNECT:${name}`]).then((out) =>
            out || null
          ),
        { timeoutMs: 5000, intervalMs: 10 },
      );
      assert.equal(control, "leaked\n", "the host side can reach it");
      const { code, output } = await run(`socat -t 2 - ABSTRACT-CONNECT:${name}`);
      assert.notEqual(code, 0);
      assert.doesNotMatch(output, /leaked/);
    } finally {
      listener.kill("SIGKILL");
      await listener.status;
    }
  });

  await t.step("network: any other address has no route, at once", async () => {
    const started = performance.now();
    const { code, output } = await run(
      "socat -u /dev/null TCP:10.0.0.1:80,connect-timeout=1",
    );
    assert.notEqual(code, 0);
    assert.match(output, /Network is unreachable/);
    assert.ok(performance.now() - started < 900, "fails without waiting for a timeout");
  });

  await t.step("network: only lo exists and no route leads anywhere", async () => {
    const devices = await run("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
    assert.equal(devices.output, "lo\n");
    const routes = await run("tail -n +2 /proc/net/route | wc -l");
    assert.equal(routes.output.trim(), "0");
  });

  await t.step("network: no resolver, yet the sandbox's own name is local", async () => {
    const { code, output } = await run(
      'getent hosts example.com; echo rc=$?; getent hosts "$(hostname)"',
    );
    assert.equal(code, 0, output);
    assert.match(output, /^rc=2\n127\.0\.0\.1\s/);
  });
}

async function hostOutput(argv: string[]): Promise<string> {
  return (await runOutput(argv[0], argv.slice(1))).stdout;
}

/** What the system steps expect of a backend's sandbox. */
export interface SystemExpectations {
  /** Paths inside that must not be writable (besides /usr, /etc, / and /bin). */
  readOnly: string[];
  /** The agent's identity inside. */
  uid: number;
  gid: number;
}

/** The filesystem and privilege half of the escape suite, the same for every backend. */
export async function systemEscapeSteps(
  t: Deno.TestContext,
  backend: Backend,
  handle: SandboxHandle,
  spec: SandboxSpec,
  expect: SystemExpectations,
): Promise<void> {
  const run = (script: string): Promise<{ code: number; output: string }> =>
    inside(backend, handle, spec, script);

  await t.step("files: the system is read-only, workspace, home and /tmp are not", async () => {
    const paths = ["/usr/x", "/etc/x", "/etc/passwd", "/x", "/bin/x", ...expect.readOnly];
    const { code, output } = await run(
      [
        `for path in ${paths.join(" ")}; do`,
        '  if touch "$path" 2>/dev/null; then echo "wrote $path"; fi',
        "done",
        "mkdir /newdir 2>/dev/null && echo 'made /newdir'",
        "echo agent-was-here > /workspace/proof && touch /home/agent/.proof /tmp/proof",
        "echo writable",
      ].join("\n"),
    );
    assert.equal(code, 0, output);
    assert.equal(output, "writable\n");
    assert.equal(Deno.readTextFileSync(`${spec.workspaceDir}/proof`), "agent-was-here\n");
    Deno.statSync(`${spec.homeDir}/.proof`);
  });

  await t.step(
    "privileges: the agent's uid, no capabilities, no_new_privs, no namespaces",
    async () => {
      const { code, output } = await run(
        [
          "id -u; id -g; id -un",
          "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status | tr -d ' \\t'",
          "unshare -U true 2>/dev/null && echo 'userns created'",
          "unshare -n true 2>/dev/null && echo 'netns created'",
          "unshare -m true 2>/dev/null && echo 'mntns created'",
          "true",
        ].join("\n"),
      );
      assert.equal(code, 0);
      assert.equal(
        output,
        [
          String(expect.uid),
          String(expect.gid),
          "agent",
          "CapInh:0000000000000000",
          "CapPrm:0000000000000000",
          "CapEff:0000000000000000",
          "CapBnd:0000000000000000",
          "CapAmb:0000000000000000",
          "NoNewPrivs:1",
          "",
        ].join("\n"),
      );
    },
  );
}
