/**
 * Whether this machine can run Docker bottles: the CLI, a daemon we may talk to, rootful, and
 * new enough. Each failure is a PreflightError saying what to do. The judgement is pure
 * (`judgeDockerInfo`); `dockerPreflight` runs `docker info` and hands its output over.
 *
 * `docker info --format '{{json .}}'` fails in two ways: Docker's CLI from 23 on exits 1 with
 * the reason on stderr; Debian 12's docker.io CLI (20.10) exits 0 with the reason in
 * `ServerErrors`. Podman (`BOT_BOTTLE_DOCKER=podman`) answers in another shape: its version
 * in `version.Version` and whether it runs rootless in `host.security.rootless`.
 */
import { PreflightError } from "../backend.ts";
import { DOCKER_ENV, DockerError, dockerOutput, dockerProgram } from "./cli.ts";

/** The oldest engines tested: Docker 20.10 and Podman 4.3 (Debian 12's docker.io and podman). */
export const MIN_ENGINE: readonly [number, number] = [20, 10];
export const MIN_PODMAN: readonly [number, number] = [4, 3];

/** What `docker info --format '{{json .}}'` answers (the fields read). */
export interface DockerInfo {
  ServerVersion?: string;
  SecurityOptions?: string[];
  OperatingSystem?: string;
  /** Docker 20.10's CLI: why it could not reach the daemon (it still exits 0). */
  ServerErrors?: string[];
}

/** What `podman info --format '{{json .}}'` answers (the fields read). */
export interface PodmanInfo {
  version?: { Version?: string };
  host?: { security?: { rootless?: boolean } };
}

export type EngineInfo = DockerInfo & PodmanInfo;

/** What `docker info` answered: its JSON (stdout) or its failure (stderr). */
export type InfoAnswer = { ok: true; info: EngineInfo } | { ok: false; stderr: string };

interface Engine {
  name: "Docker Engine" | "Podman";
  version: string | undefined;
  minimum: readonly [number, number];
  rootless: boolean;
}

function engineOf(info: EngineInfo): Engine {
  if (info.ServerVersion === undefined && info.version?.Version !== undefined) {
    return {
      name: "Podman",
      version: info.version.Version,
      minimum: MIN_PODMAN,
      rootless: info.host?.security?.rootless === true,
    };
  }
  const security = info.SecurityOptions ?? [];
  return {
    name: "Docker Engine",
    version: info.ServerVersion,
    minimum: MIN_ENGINE,
    rootless: security.some((option) => /(^|,)name=rootless(,|$)/.test(option)),
  };
}

export function judgeDockerInfo(answer: InfoAnswer, program = "docker"): PreflightError | null {
  if (!answer.ok) return unreachable(answer.stderr, program);
  const serverErrors = answer.info.ServerErrors ?? [];
  if (serverErrors.length > 0) return unreachable(serverErrors.join("\n"), program);
  const engine = engineOf(answer.info);
  const version = parseEngineVersion(engine.version ?? "");
  if (version === null) {
    return new PreflightError(
      `\`${program} info\` names no engine version (${engine.version ?? "none"})`,
      "check that the daemon is Docker Engine, or that BOT_BOTTLE_DOCKER names Podman",
    );
  }
  if (compare(version, engine.minimum) < 0) {
    return new PreflightError(
      `${engine.name} ${engine.version} is too old (bot-bottle needs ${
        engine.minimum.join(".")
      } or newer)`,
      engine.name === "Podman"
        ? "upgrade it: `apt-get install -y podman` (Debian 12 has 4.3)"
        : "upgrade it: `apt-get install -y docker.io` (Debian 12 has 20.10), or Docker's own " +
          "packages",
    );
  }
  if (engine.rootless) return rootless(engine.name);
  return null;
}

function rootless(name: Engine["name"]): PreflightError {
  const what = name === "Podman" ? "this Podman runs rootless" : "this Docker daemon is rootless";
  return new PreflightError(
    `${what}: it maps container users to subordinate ids, so the bottle's user could not own ` +
      "its workspace and home",
    name === "Podman"
      ? "run bot-bottle as root (Podman is then rootful), or use `backend: bwrap`, which needs " +
        "no daemon"
      : "use a rootful daemon (`sudo dockerd`, and the docker group or root to reach it), or " +
        "`backend: bwrap`, which needs no daemon",
  );
}

function unreachable(stderr: string, program: string): PreflightError {
  const text = stderr.trim();
  if (/permission denied/i.test(text)) {
    return new PreflightError(
      `no permission to use the Docker daemon's socket (${firstLine(text)})`,
      "run as root, or add yourself to the `docker` group (`sudo usermod -aG docker $USER`, " +
        "then log in again); that group is as powerful as root on this machine",
    );
  }
  if (/cannot connect|is the docker daemon running|no such file|connection refused/i.test(text)) {
    return new PreflightError(
      `no Docker daemon is running (${firstLine(text)})`,
      "start it: `sudo systemctl start docker`, or `sudo dockerd &` where there is no systemd",
    );
  }
  return new PreflightError(
    `\`${program} info\` failed: ${firstLine(text) || "no output"}`,
    `run \`${program} info\` to see why; bot-bottle needs a running, rootful Docker Engine ` +
      "(or rootful Podman)",
  );
}

function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim() !== "")?.trim() ?? "";
}

/** `20.10.24+dfsg1` → [20, 10]; null when it is not a version. */
export function parseEngineVersion(text: string): [number, number] | null {
  const match = text.match(/^v?(\d+)\.(\d+)/);
  return match ? [Number(match[1]), Number(match[2])] : null;
}

function compare(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

/** `docker info` as the preflight runs it. */
export const INFO_ARGS: readonly string[] = ["info", "--format", "{{json .}}"];

/** What a run of `PROGRAM info --format '{{json .}}'` answered, for `judgeDockerInfo`. */
export function infoAnswer(
  result: { code: number; stdout: string; stderr: string },
  program: string,
): InfoAnswer {
  if (result.code !== 0) return { ok: false, stderr: result.stderr || result.stdout };
  try {
    return { ok: true, info: JSON.parse(result.stdout) as EngineInfo };
  } catch {
    return { ok: false, stderr: `unreadable \`${program} info\` output` };
  }
}

/** How long `docker info` may take: a daemon that does not answer by then is hung. */
const INFO_TIMEOUT_MS = 20_000;

/** Throws the PreflightError that says what to fix, or returns. */
export async function dockerPreflight(): Promise<void> {
  const program = dockerProgram();
  let answer: InfoAnswer;
  try {
    const result = await dockerOutput([...INFO_ARGS], { timeoutMs: INFO_TIMEOUT_MS });
    answer = infoAnswer(result, program);
  } catch (error) {
    if (error instanceof DockerError) {
      throw new PreflightError(
        `\`${program} info\` did not answer within ${INFO_TIMEOUT_MS / 1000} s`,
        "the daemon is hung or still starting: check it (`systemctl status docker`, " +
          "`journalctl -u docker`) and try again",
      );
    } else {
      throw missingCli(error);
    }
  }
  const problem = judgeDockerInfo(answer, program);
  if (problem) throw problem;
}

function missingCli(error: unknown): PreflightError {
  const chosen = Deno.env.get(DOCKER_ENV) ? ` named by ${DOCKER_ENV}` : "";
  const why = error instanceof Error ? error.message : String(error);
  return new PreflightError(
    `cannot run the Docker CLI${chosen}: ${why}`,
    "install Docker (`apt-get install -y docker.io`, then start dockerd), or set " +
      `${DOCKER_ENV} to a docker-compatible CLI that is installed (e.g. podman)`,
  );
}
