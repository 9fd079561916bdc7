/**
 * The docker preflight's judgement of `docker info`, on the texts the real CLIs print (Docker
 * 28's client exits 1 with the reason on stderr; Debian 12's 20.10 client exits 0 with it in
 * `ServerErrors`), Podman's differently shaped answer, and `dockerPreflight` end to end
 * against a fake CLI named by BOT_BOTTLE_DOCKER and against none at all.
 */
import { join } from "node:path";
import { assert_, assertEquals, assertMatch, assertRejects } from "../../tests/assert.ts";
import { PreflightError } from "../backend.ts";
import { DOCKER_ENV } from "./cli.ts";
import { dockerPreflight, type EngineInfo, judgeDockerInfo } from "./preflight.ts";

const SOCKET = "unix:///var/run/docker.sock";
const DAEMON_DOWN =
  `Cannot connect to the Docker daemon at ${SOCKET}. Is the docker daemon running?`;
const NO_PERMISSION =
  `permission denied while trying to connect to the Docker daemon socket at ${SOCKET}: ` +
  `Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.50/info": dial unix /var/run/docker.sock: ` +
  "connect: permission denied";

function judged(info: EngineInfo): PreflightError | null {
  return judgeDockerInfo({ ok: true, info });
}

function failed(stderr: string): PreflightError {
  const problem = judgeDockerInfo({ ok: false, stderr });
  assert_(problem, `no problem found in: ${stderr}`);
  return problem;
}

Deno.test("docker preflight: no daemon, as the CLI's stderr and as 20.10's ServerErrors", () => {
  for (
    const problem of [failed(`${DAEMON_DOWN}\n`), judged({ ServerErrors: [DAEMON_DOWN] })]
  ) {
    assert_(problem);
    assertEquals(problem.message, `no Docker daemon is running (${DAEMON_DOWN})`);
    assertEquals(
      problem.fix,
      "start it: `sudo systemctl start docker`, or `sudo dockerd &` where there is no systemd",
    );
  }
});

Deno.test("docker preflight: no permission on the socket names the docker group", () => {
  for (const problem of [failed(NO_PERMISSION), judged({ ServerErrors: [NO_PERMISSION] })]) {
    assert_(problem);
    assertEquals(
      problem.message,
      `no permission to use the Docker daemon's socket (${NO_PERMISSION})`,
    );
    assertMatch(problem.fix, /^run as root, or add yourself to the `docker` group/);
    assertMatch(problem.fix, /sudo usermod -aG docker \$USER/);
    assertMatch(problem.fix, /as powerful as root/);
  }
});

Deno.test("docker preflight: a rootless daemon is refused, with the way out", () => {
  const problem = judged({
    ServerVersion: "28.2.2",
    SecurityOptions: ["name=seccomp,profile=builtin", "name=rootless", "name=cgroupns"],
  });
  assert_(problem);
  assertMatch(problem.message, /^this Docker daemon is rootless: it maps container users/);
  assertMatch(problem.fix, /^use a rootful daemon \(`sudo dockerd`/);
  assertMatch(problem.fix, /`backend: bwrap`, which needs no daemon$/);
  // "rootless" inside another option's value is not the rootless daemon.
  assertEquals(judged({ ServerVersion: "28.2.2", SecurityOptions: ["name=notrootless"] }), null);
});

Deno.test("docker preflight: an engine older than 20.10 is too old", () => {
  const problem = judged({ ServerVersion: "19.03.15", SecurityOptions: [] });
  assert_(problem);
  assertEquals(
    problem.message,
    "Docker Engine 19.03.15 is too old (bot-bottle needs 20.10 or newer)",
  );
  assertMatch(problem.fix, /^upgrade it: `apt-get install -y docker.io` \(Debian 12 has 20\.10\)/);
});

Deno.test("docker preflight: 20.10 (Debian 12) and 28.2 pass", () => {
  const seccomp = ["name=seccomp,profile=default"];
  assertEquals(judged({ ServerVersion: "20.10.24+dfsg1", SecurityOptions: seccomp }), null);
  assertEquals(judged({ ServerVersion: "28.2.2", SecurityOptions: seccomp }), null);
  assertEquals(judged({ ServerVersion: "v20.10.0" }), null);
});

Deno.test("docker preflight: a version that is no version", () => {
  for (const version of ["dev", "", "master-dockerproject-2024-01-01"]) {
    const problem = judged({ ServerVersion: version });
    assert_(problem, version);
    assertEquals(problem.message, `\`docker info\` names no engine version (${version})`);
    assertMatch(problem.fix, /Docker Engine, or that BOT_BOTTLE_DOCKER names Podman/);
  }
  const none = judged({});
  assert_(none);
  assertEquals(none.message, "`docker info` names no engine version (none)");
});

Deno.test("docker preflight: any other failure is shown as it came", () => {
  const problem = judgeDockerInfo({ ok: false, stderr: "\nerror during connect: boom\nmore" }, "x");
  assert_(problem);
  assertEquals(problem.message, "`x info` failed: error during connect: boom");
  assertMatch(problem.fix, /^run `x info` to see why/);
});

Deno.test("docker preflight: Podman's answer (version.Version, host.security.rootless)", () => {
  const podman = (version: string, rootless: boolean): EngineInfo => ({
    version: { Version: version },
    host: { security: { rootless } },
  });
  assertEquals(judged(podman("4.3.1", false)), null);
  assertEquals(judged(podman("5.4.2", false)), null);
  const rootless = judged(podman("4.3.1", true));
  assert_(rootless);
  assertMatch(rootless.message, /^this Podman runs rootless: it maps container users/);
  assertMatch(rootless.fix, /^run bot-bottle as root \(Podman is then rootful\)/);
  const old = judged(podman("3.4.4", false));
  assert_(old);
  assertEquals(old.message, "Podman 3.4.4 is too old (bot-bottle needs 4.3 or newer)");
  assertMatch(old.fix, /apt-get install -y podman/);
});

/** Runs `body` with `vars` set in the environment (undefined: unset), then restores it. */
async function withEnv(
  vars: Record<string, string | undefined>,
  body: () => Promise<void>,
): Promise<void> {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, Deno.env.get(name)]));
  const apply = (values: Record<string, string | undefined>): void => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
  };
  apply(vars);
  try {
    await body();
  } finally {
    apply(saved);
  }
}

/** A fake docker CLI: a shell script in a temporary directory; returns its path. */
function fakeCli(dir: string, name: string, script: string): string {
  const path = join(dir, name);
  Deno.writeTextFileSync(path, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return path;
}

async function preflightError(): Promise<PreflightError> {
  const error = await assertRejects(() => dockerPreflight());
  assert_(error instanceof PreflightError, `not a PreflightError: ${error.stack}`);
  return error;
}

Deno.test("dockerPreflight: a CLI that cannot reach the daemon (either way it says so)", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "bb-fake-docker-" });
  try {
    const newer = fakeCli(dir, "docker-28", `echo '${DAEMON_DOWN}' >&2\nexit 1`);
    const json = JSON.stringify({ ServerErrors: [DAEMON_DOWN], ClientInfo: { Debug: false } });
    const older = fakeCli(dir, "docker-20", `echo '${json}'`);
    for (const program of [newer, older]) {
      await withEnv({ [DOCKER_ENV]: program }, async () => {
        const error = await preflightError();
        assertEquals(error.message, `no Docker daemon is running (${DAEMON_DOWN})`);
        assertMatch(error.fix, /systemctl start docker/);
      });
    }
    const garbled = fakeCli(dir, "docker-garbled", "echo 'not json'");
    await withEnv({ [DOCKER_ENV]: garbled }, async () => {
      const error = await preflightError();
      assertEquals(
        error.message,
        `\`${garbled} info\` failed: unreadable \`${garbled} info\` output`,
      );
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("dockerPreflight: no such CLI is a clear error, not a stack trace", async () => {
  await withEnv({ [DOCKER_ENV]: "/nonexistent/docker" }, async () => {
    const error = await preflightError();
    assertEquals(
      error.message,
      "cannot run the Docker CLI named by BOT_BOTTLE_DOCKER: /nonexistent/docker is not " +
        "installed on this machine (apt-get install -y docker.io, then start dockerd)",
    );
    assertMatch(
      error.fix,
      /^install Docker \(`apt-get install -y docker.io`, then start dockerd\)/,
    );
    assertMatch(error.fix, /set BOT_BOTTLE_DOCKER to a docker-compatible CLI/);
  });
  await withEnv({ [DOCKER_ENV]: "/nonexistent/podman" }, async () => {
    const error = await preflightError();
    assertMatch(
      error.message,
      /\/nonexistent\/podman is not installed on this machine \(apt-get install -y podman\)/,
    );
  });
});
