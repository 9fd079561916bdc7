/**
 * The docker preflight on what the real Docker CLIs print (unit tests: ../../backends/docker/
 * preflight_test.ts): a daemon that is not there (the CLI pointed at a socket nobody listens
 * on; nothing is stopped), and, as root, an ordinary user outside the `docker` group
 * (`bbnodocker`, created when missing and kept) whose `docker info` the socket refuses. Every
 * docker CLI found is asked: Docker 23+ exits 1 with the reason on stderr, Debian 12's 20.10
 * exits 0 with it in `ServerErrors`.
 */
import { join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { createSystemUser, parsePasswd } from "../../backends/bwrap/owner.ts";
import { INFO_ARGS, infoAnswer, judgeDockerInfo } from "../../backends/docker/preflight.ts";
import { runOutput } from "../../lib/command.ts";

const NO_DOCKER_USER = "bbnodocker";
const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Every distinct docker CLI on PATH and in /usr/bin (Debian's docker.io). */
function dockerClis(): string[] {
  const found = new Map<string, string>();
  for (const dir of [...PATH.split(":"), "/usr/bin"]) {
    const candidate = join(dir, "docker");
    try {
      if (Deno.statSync(candidate).isFile) found.set(Deno.realPathSync(candidate), candidate);
    } catch {
      // not here
    }
  }
  const clis = [...found.values()];
  if (clis.length === 0) throw new Error("no docker CLI installed (apt-get install -y docker.io)");
  return clis;
}

Deno.test("docker preflight, real CLI: no daemon behind the socket says to start it", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "bb-no-daemon-" });
  try {
    const socket = join(dir, "docker.sock");
    for (const cli of dockerClis()) {
      const result = await runOutput(cli, [...INFO_ARGS], {
        env: { DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: dir },
        timeoutMs: 20_000,
      });
      const problem = judgeDockerInfo(infoAnswer(result, cli), cli);
      assert_(problem, `${cli}: ${JSON.stringify(result)}`);
      assertEquals(
        problem.message,
        `no Docker daemon is running (Cannot connect to the Docker daemon at unix://${socket}. ` +
          "Is the docker daemon running?)",
        cli,
      );
      assertMatch(problem.fix, /^start it: `sudo systemctl start docker`/);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

async function userOutsideDockerGroup(): Promise<{ uid: number; gid: number }> {
  const lookup = (): { uid: number; gid: number } | undefined =>
    parsePasswd(Deno.readTextFileSync("/etc/passwd")).find((entry) =>
      entry.name === NO_DOCKER_USER
    );
  if (!lookup()) {
    const complaint = await createSystemUser(NO_DOCKER_USER, "bot-bottle tests (no docker)");
    if (complaint) throw new Error(`useradd ${NO_DOCKER_USER}: ${complaint}`);
  }
  const user = lookup();
  if (!user) throw new Error(`${NO_DOCKER_USER} was not created`);
  const docker = Deno.readTextFileSync("/etc/group").split("\n").find((line) =>
    line.startsWith("docker:")
  );
  const members = docker?.split(":")[3]?.split(",") ?? [];
  if (members.includes(NO_DOCKER_USER)) {
    throw new Error(`${NO_DOCKER_USER} is in the docker group: this test needs it outside`);
  }
  return user;
}

Deno.test({
  name: "docker preflight, real CLI as a user outside the docker group: the permission advice",
  ignore: Deno.uid() !== 0,
  fn: async () => {
    const { uid, gid } = await userOutsideDockerGroup();
    for (const cli of dockerClis()) {
      // --clear-groups: no supplementary group (root's or any other) comes along.
      const result = await runOutput("setpriv", [
        `--reuid=${uid}`,
        `--regid=${gid}`,
        "--clear-groups",
        "--",
        cli,
        ...INFO_ARGS,
      ], { clearEnv: true, env: { PATH, HOME: "/nonexistent" }, cwd: "/", timeoutMs: 20_000 });
      const answer = infoAnswer(result, cli);
      const problem = judgeDockerInfo(answer, cli);
      assert_(problem, `${cli}: ${JSON.stringify(result)}`);
      assertMatch(
        problem.message,
        /^no permission to use the Docker daemon's socket \(permission denied while trying to connect to the Docker daemon socket at unix:\/\/\/var\/run\/docker\.sock/,
        cli,
      );
      assertEquals(
        problem.fix,
        "run as root, or add yourself to the `docker` group (`sudo usermod -aG docker $USER`, " +
          "then log in again); that group is as powerful as root on this machine",
      );
    }
  },
});
