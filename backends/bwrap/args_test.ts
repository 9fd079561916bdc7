import assert from "node:assert/strict";
import type { SandboxSpec } from "../backend.ts";
import { ancestors, buildBwrapArgs, type BwrapInvocation } from "./args.ts";
import type { HostLayout } from "./host.ts";

const LAYOUT: HostLayout = {
  topLevel: [
    { path: "/bin", kind: "symlink", target: "usr/bin" },
    { path: "/lib", kind: "symlink", target: "usr/lib" },
    { path: "/lib64", kind: "bind" },
  ],
  etc: [
    { path: "/etc/ssl/certs", kind: "bind" },
    { path: "/etc/ld.so.cache", kind: "bind" },
    { path: "/etc/localtime", kind: "symlink", target: "/usr/share/zoneinfo/Etc/UTC" },
  ],
  shell: "/bin/bash",
};

function spec(overrides: Partial<SandboxSpec> = {}): SandboxSpec {
  return {
    bottle: "Dev Box",
    workspaceDir: "/state/dev/workspace",
    homeDir: "/state/dev/home",
    runDir: "/state/dev/run",
    backendDir: "/state/dev/backend",
    services: [
      { name: "egress", port: 3128, socket: "egress.sock" },
      { name: "git", port: 9418, socket: "git.sock" },
    ],
    env: { ANTHROPIC_API_KEY: "placeholder", HOME: "/root", USER: "root" },
    ...overrides,
  };
}

function build(overrides: Partial<SandboxSpec> = {}): BwrapInvocation {
  return buildBwrapArgs({
    spec: spec(overrides),
    layout: LAYOUT,
    etcDir: "/state/dev/backend/etc",
    perl: "/usr/bin/perl",
    seccompFd: 5,
  });
}

const ARITY: Record<string, number> = {
  "--unshare-all": 0,
  "--unshare-user": 0,
  "--disable-userns": 0,
  "--new-session": 0,
  "--as-pid-1": 0,
  "--seccomp": 1,
  "--ro-bind-try": 2,
  "--clearenv": 0,
  "--uid": 1,
  "--gid": 1,
  "--hostname": 1,
  "--cap-drop": 1,
  "--proc": 1,
  "--dev": 1,
  "--tmpfs": 1,
  "--perms": 1,
  "--dir": 1,
  "--remount-ro": 1,
  "--chdir": 1,
  "--info-fd": 1,
  "--ro-bind": 2,
  "--bind": 2,
  "--symlink": 2,
  "--setenv": 2,
};

/** Splits bwrap options into [flag, ...values]; fails on any option the test does not know. */
function parse(options: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < options.length;) {
    const flag = options[i];
    const arity = ARITY[flag];
    assert.notEqual(arity, undefined, `unexpected bwrap option ${flag}`);
    out.push(options.slice(i, i + 1 + arity));
    i += 1 + arity;
  }
  return out;
}

function all(options: string[], flag: string): string[][] {
  return parse(options).filter((entry) => entry[0] === flag).map((entry) => entry.slice(1));
}

Deno.test("namespaces: every one unshared, no nested userns, no caps, new session, uid 1000", () => {
  const { options } = build();
  const flags = [
    "--unshare-all",
    "--unshare-user",
    "--disable-userns",
    "--new-session",
    "--as-pid-1",
  ];
  for (const flag of flags) {
    assert.ok(options.includes(flag), flag);
  }
  assert.deepEqual(all(options, "--cap-drop"), [["ALL"]]);
  assert.deepEqual(all(options, "--uid"), [["1000"]]);
  assert.deepEqual(all(options, "--gid"), [["1000"]]);
  assert.deepEqual(all(options, "--hostname"), [["bottle-dev-box"]]);
  assert.deepEqual(all(options, "--info-fd"), [["3"]]);
  assert.deepEqual(all(options, "--seccomp"), [["5"]]);
  for (const forbidden of ["--share-net", "--die-with-parent", "--dev-bind", "--cap-add"]) {
    assert.ok(!options.includes(forbidden), forbidden);
  }
});

Deno.test("mounts: read-only system, curated /etc, writable workspace and home only", () => {
  const { options } = build();
  const ro = all(options, "--ro-bind");
  const rw = all(options, "--bind");
  assert.deepEqual(rw, [["/state/dev/workspace", "/workspace"], [
    "/state/dev/home",
    "/home/agent",
  ]]);
  assert.deepEqual(ro[0], ["/usr", "/usr"]);
  assert.ok(ro.some(([src, dst]) => src === "/lib64" && dst === "/lib64"));
  assert.ok(ro.some(([src, dst]) => src === "/state/dev/run" && dst === "/run/bottle"));
  assert.ok(ro.some(([src, dst]) => src === "/etc/ssl/certs" && dst === "/etc/ssl/certs"));
  assert.deepEqual(all(options, "--symlink"), [
    ["usr/bin", "/bin"],
    ["usr/lib", "/lib"],
    ["/usr/share/zoneinfo/Etc/UTC", "/etc/localtime"],
  ]);
  for (const name of ["passwd", "group", "hosts", "hostname", "nsswitch.conf"]) {
    assert.ok(
      ro.some(([src, dst]) => src === `/state/dev/backend/etc/${name}` && dst === `/etc/${name}`),
    );
  }
  const sources = [...ro, ...rw].map(([src]) => src);
  for (const forbidden of ["/", "/etc", "/root", "/home", "/var", "/run", "/tmp", "/etc/ssl"]) {
    assert.ok(!sources.includes(forbidden), `binds ${forbidden}`);
  }
  const destinations = [...ro, ...rw].map(([, dst]) => dst);
  assert.ok(!destinations.includes("/etc/resolv.conf"));
  assert.ok(!destinations.some((dst) => dst.includes("docker")));
  assert.deepEqual(all(options, "--tmpfs"), [["/tmp"]]);
  assert.deepEqual(all(options, "--proc"), [["/proc"]]);
  assert.deepEqual(all(options, "--dev"), [["/dev"]]);
  assert.deepEqual(all(options, "--chdir"), [["/workspace"]]);
});

Deno.test("mounts: parents are made 0755 first, the root is remounted read-only last", () => {
  const { options } = build();
  const entries = parse(options);
  const dirs = all(options, "--dir").map(([dir]) => dir);
  assert.deepEqual(dirs, ["/etc", "/home", "/run", "/etc/ssl"]);
  const firstDir = entries.findIndex((entry) => entry[0] === "--dir");
  assert.deepEqual(entries[firstDir - 1], ["--perms", "0755"]);
  const remount = entries.findIndex((entry) => entry[0] === "--remount-ro");
  assert.deepEqual(entries[remount], ["--remount-ro", "/"]);
  const lastMount = entries.findLastIndex((entry) =>
    ["--bind", "--ro-bind", "--symlink", "--tmpfs", "--dir"].includes(entry[0])
  );
  assert.ok(lastMount < remount);
});

Deno.test("environment: cleared, spec env kept, HOME/USER fixed, proxies point at egress", () => {
  const { options, environment } = build();
  assert.ok(!options.includes("--setenv") && !options.includes("--clearenv"));
  assert.equal(environment[0], "--clearenv");
  const env = Object.fromEntries(all(environment, "--setenv"));
  assert.deepEqual(env, {
    ANTHROPIC_API_KEY: "placeholder",
    HOME: "/home/agent",
    USER: "agent",
    LOGNAME: "agent",
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HTTP_PROXY: "http://127.0.0.1:3128",
    HTTPS_PROXY: "http://127.0.0.1:3128",
    http_proxy: "http://127.0.0.1:3128",
    https_proxy: "http://127.0.0.1:3128",
    NO_PROXY: "localhost,127.0.0.1",
    no_proxy: "localhost,127.0.0.1",
  });
  const names = all(environment, "--setenv").map(([name]) => name);
  assert.deepEqual(names, [...names].sort());
});

Deno.test("environment: no proxy variables without an egress service", () => {
  const env = Object.fromEntries(all(build({ services: [] }).environment, "--setenv"));
  assert.equal(env.HTTPS_PROXY, undefined);
  assert.equal(env.http_proxy, undefined);
  assert.equal(env.NO_PROXY, "localhost,127.0.0.1");
});

Deno.test("command: pid 1 is the perl init; kernel knobs in /proc are read-only", () => {
  const { command, options } = build();
  assert.equal(command[0], "/usr/bin/perl");
  assert.match(command[2], /bottle-init/);
  assert.deepEqual(all(options, "--ro-bind-try"), [
    ["/proc/sys", "/proc/sys"],
    ["/proc/sysrq-trigger", "/proc/sysrq-trigger"],
    ["/proc/irq", "/proc/irq"],
    ["/proc/bus", "/proc/bus"],
  ]);
  const proc = options.indexOf("--proc");
  assert.ok(proc >= 0 && proc < options.indexOf("--ro-bind-try"), "after /proc is mounted");
});

Deno.test("private sources: the bottle's own dirs and files, never the system's", () => {
  const { privateSources } = build();
  const hosts = privateSources.map((source) => source.host);
  assert.ok(hosts.includes("/state/dev/workspace"));
  assert.ok(hosts.includes("/state/dev/home"));
  assert.ok(hosts.includes("/state/dev/run"));
  assert.ok(hosts.includes("/state/dev/backend/etc/passwd"));
  assert.ok(!hosts.some((host) => host.startsWith("/usr") || host === "/lib64"));
});

Deno.test("invalid specs are refused before bwrap runs", () => {
  assert.throws(() => build({ env: { "BAD-NAME": "x" } }), /invalid environment variable name/);
  assert.throws(() => build({ env: { X: "a\0b" } }), /without NUL/);
  assert.throws(
    () => build({ services: [{ name: "a", port: 4000, socket: "../etc/x" }] }),
    /plain file name/,
  );
  assert.throws(
    () =>
      build({
        services: [{ name: "a", port: 4000, socket: "a" }, { name: "b", port: 4000, socket: "b" }],
      }),
    /used twice/,
  );
  assert.throws(() => build({ services: [{ name: "a", port: 80, socket: "a" }] }), /1024/);
});

Deno.test("ancestors lists parent directories, shallowest first", () => {
  assert.deepEqual(ancestors(["/etc/pki/tls/certs", "/home/agent", "/etc/hosts"]), [
    "/etc",
    "/home",
    "/etc/pki",
    "/etc/pki/tls",
  ]);
});

Deno.test("bwrap args: the trust store is mounted and its bundle replaces the system one", () => {
  const options = build({ trustDir: "/state/dev/trust" }).options.join(" ");
  assert.match(options, /--ro-bind \/state\/dev\/trust \/etc\/bot-bottle/);
  assert.match(
    options,
    /--ro-bind \/state\/dev\/trust\/ca-bundle\.crt \/etc\/ssl\/certs\/ca-certificates\.crt/,
  );
  assert.doesNotMatch(build().options.join(" "), /bot-bottle/);
});

Deno.test("bwrap args: read-only binds (an agent CLI) get 0755 parents and stay read-only", () => {
  const options = build({
    roBinds: [{ host: "/cache/claude-code@1", inside: "/opt/bot-bottle/claude-code" }],
  }).options.join(" ");
  assert.match(options, /--perms 0755 --dir \/opt /);
  assert.match(options, /--perms 0755 --dir \/opt\/bot-bottle /);
  assert.match(options, /--ro-bind \/cache\/claude-code@1 \/opt\/bot-bottle\/claude-code /);
  assert.ok(options.indexOf("/opt/bot-bottle/claude-code") < options.indexOf("--remount-ro"));
});
