/**
 * Whether this machine can run Docker bottles: the CLI, a daemon we may talk to, rootful, and
 * new enough. Each failure is a PreflightError saying what to do. The judgement is pure
 * (`judgeDockerInfo`); `dockerPreflight` runs `docker info` and hands its output over.
 */
import { PreflightError } from "../backend.ts";
import { dockerOutput, dockerProgram } from "./cli.ts";

/** The oldest engine tested: 20.10 (Debian 12's docker.io). */
export const MIN_ENGINE: readonly [number, number] = [20, 10];

export interface DockerInfo {
  ServerVersion?: string;
  SecurityOptions?: string[];
  OperatingSystem?: string;
}

/** What `docker info` answered: its JSON (stdout) or its failure (stderr). */
export type InfoAnswer = { ok: true; info: DockerInfo } | { ok: false; stderr: string };

export function judgeDockerInfo(answer: InfoAnswer, program = "docker"): PreflightError | null {
  if (!answer.ok) return unreachable(answer.stderr, program);
  const version = parseEngineVersion(answer.info.ServerVersion ?? "");
  if (version === null) {
    return new PreflightError(
      `\`${program} info\` names no engine version (${answer.info.ServerVersion ?? "none"})`,
      "check that the daemon is Docker Engine (or Podman's docker-compatible service)",
    );
  }
  if (compare(version, MIN_ENGINE) < 0) {
    return new PreflightError(
      `Docker Engine ${answer.info.ServerVersion} is too old (bot-bottle needs ${
        MIN_ENGINE.join(".")
      } or newer)`,
      "upgrade it: `apt-get install -y docker.io` (Debian 12 has 20.10), or Docker's own packages",
    );
  }
  const security = answer.info.SecurityOptions ?? [];
  if (security.some((option) => /(^|,)name=rootless(,|$)/.test(option))) {
    return new PreflightError(
      "this Docker daemon is rootless: it maps container users to subordinate ids, so the " +
        "bottle's user could not own its workspace and home",
      "use a rootful daemon (`sudo dockerd`, and the docker group or root to reach it), or " +
        "`backend: bwrap`, which needs no daemon",
    );
  }
  return null;
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
    "run `docker info` to see why; bot-bottle needs a running, rootful Docker Engine",
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

/** Throws the PreflightError that says what to fix, or returns. */
export async function dockerPreflight(): Promise<void> {
  const program = dockerProgram();
  let answer: InfoAnswer;
  try {
    const result = await dockerOutput(["info", "--format", "{{json .}}"], { timeoutMs: 20_000 });
    answer = result.code === 0
      ? { ok: true, info: JSON.parse(result.stdout) as DockerInfo }
      : { ok: false, stderr: result.stderr || result.stdout };
  } catch (error) {
    if (error instanceof SyntaxError) {
      answer = { ok: false, stderr: `unreadable \`${program} info\` output` };
    } else {
      throw new PreflightError(
        (error as Error).message,
        "install the Docker CLI and engine: `apt-get install -y docker.io`",
      );
    }
  }
  const problem = judgeDockerInfo(answer, program);
  if (problem) throw problem;
}
