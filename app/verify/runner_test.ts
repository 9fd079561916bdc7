import { assertEquals, assertMatch } from "../../tests/assert.ts";
import type { Backend, ExecOptions, SandboxHandle, SandboxSpec } from "../../backends/backend.ts";
import { forbiddenPaths, runProbes, skipReason } from "./runner.ts";
import { readOutput } from "./output.ts";
import { pass } from "./verdict.ts";
import type { EngineView, Probe, VerifyTarget } from "./types.ts";

Deno.test("forbidden paths: host paths, never a path every bottle has", () => {
  assertEquals(
    forbiddenPaths({
      home: "/root/",
      stateDirs: ["/var/lib/bb", "/var/lib/bb"],
      secretsFile: "/var/lib/bb/bottles/b/secrets.json",
      caKey: null,
    }),
    [
      "/etc/shadow",
      "/etc/gshadow",
      "/etc/sudoers",
      "/root",
      "/var/lib/bb",
      "/var/lib/bb/bottles/b/secrets.json",
    ],
  );
  assertEquals(
    forbiddenPaths({ home: "/tmp", stateDirs: [], secretsFile: null, caKey: null }).includes(
      "/tmp",
    ),
    false,
  );
});

/** A backend whose exec runs the script on the host, output into the capture files. */
function fakeBackend(): Backend {
  return {
    name: "fake",
    preflight: () => Promise.resolve(),
    start: () => Promise.reject(new Error("no")),
    status: () => ({ state: "running", problems: [] }),
    find: () => null,
    repair: (handle: SandboxHandle) => Promise.resolve(handle),
    stop: () => Promise.resolve(),
    exec: async (_h: SandboxHandle, _s: SandboxSpec, argv: string[], options: ExecOptions) => {
      const output = await new Deno.Command(argv[0], { args: argv.slice(1) }).output();
      Deno.writeFileSync(options.capture!.stdout, output.stdout);
      Deno.writeFileSync(options.capture!.stderr, output.stderr);
      return output.code;
    },
  };
}

function target(destructive: boolean): VerifyTarget {
  return {
    bottle: "b",
    kind: "named",
    backend: fakeBackend(),
    handle: { backend: "fake", init: { pid: 1, startTime: 1 }, inner: { pid: 1, startTime: 1 } },
    spec: {
      bottle: "b",
      workspaceDir: "/w",
      homeDir: "/h",
      runDir: "/r",
      backendDir: "/b",
      services: [{ name: "egress", port: 3128, socket: "egress.sock" }],
      env: {},
    },
    secrets: [],
    secretsFile: null,
    caKey: null,
    stateDir: "/state",
    destructive,
  };
}

const engine: EngineView = {
  drift: () => Promise.resolve([]),
  apply: () => Promise.resolve({ ok: true, summary: "nothing" }),
  homeWrites: () => [],
  sandbox: () => null,
};

const probes: Probe[] = [
  {
    id: "t.inside",
    group: "network",
    property: "runs a script",
    run: async (io) => {
      const read = readOutput(await io.inside("echo ran=hi"), { once: ["ran"] });
      return read.ok ? pass(`ran=${read.value.get("ran")}`) : read.judgement;
    },
  },
  {
    id: "t.throws",
    group: "network",
    property: "throws",
    run: () => Promise.reject(new Error("boom")),
  },
  {
    id: "t.destructive",
    group: "door",
    property: "harms",
    destructive: true,
    run: () => Promise.resolve(pass("ran")),
  },
];

Deno.test("runProbes: inside output captured, a throw is FAIL, destructive SKIPs on request", async () => {
  const seen: string[] = [];
  const results = await runProbes(target(false), engine, {
    probes,
    onResult: (r) => seen.push(r.id),
  });
  assertEquals(results.map((r) => r.verdict), ["PASS", "FAIL", "SKIP"]);
  assertEquals(results[0].evidence, "ran=hi");
  assertEquals(results[1].evidence, "the probe could not run: boom");
  assertMatch(results[2].evidence, /pass --destructive/);
  assertEquals(seen, ["t.inside", "t.throws", "t.destructive"]);
  const all = await runProbes(target(true), engine, { probes });
  assertEquals(all[2].verdict, "PASS");
});

Deno.test("runProbes stops between probes when interrupted", async () => {
  let calls = 0;
  const error = await runProbes(target(true), engine, { probes, interrupted: () => calls++ > 0 })
    .then(() => null, (e: Error) => e);
  assertEquals(error?.message, "interrupted");
});

Deno.test("skipReason: only destructive probes on a target that forbids them", () => {
  assertEquals(skipReason(probes[0], target(false)), null);
  assertEquals(skipReason(probes[2], target(true)), null);
});
