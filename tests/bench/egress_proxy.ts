/**
 * Egress proxy benchmarks, for `deno task bench` (tests/bench) or on their own:
 *   deno run -A tests/bench/egress_proxy.ts [--requests N] [--megabytes N]
 * The real daemon (same flags and permissions as in a bundle) serves an HTTPS stand-in on
 * 127.0.0.1; curl is the client. Measures (a) the added p50 latency of one HTTPS request
 * through interception after the first handshake, against the stand-in directly, and (b)
 * upload and download throughput: direct, passthrough, intercepted without and with DLP.
 * Loopback only; every run is bounded in time.
 */

import { egressChild } from "../../sidecars/bundle/main.ts";
import { curl, p50, series, startSocat } from "./bench_clients.ts";
import type { EgressPolicy } from "../../sidecars/egress/policy/wire.ts";
import {
  type StandIn,
  startStandIn,
  testCa,
  writeCaDir,
  writeSecrets,
} from "../../sidecars/egress/testing/mod.ts";
import { TEST_RESOLVE_ENV } from "../../sidecars/egress/upstream/name_override.ts";
import { accepts, poll } from "../../lib/wait.ts";

export interface LatencyResult {
  /** Per-request times (ms) on a kept-alive connection, first request left out. */
  directMs: number[];
  interceptedMs: number[];
  directP50: number;
  interceptedP50: number;
  /** interceptedP50 − directP50. */
  addedP50: number;
}

export type ThroughputMode = "direct" | "passthrough" | "intercept" | "intercept+dlp";

export interface ThroughputRow {
  key: string;
  label: string;
  direction: "upload" | "download";
  mode: ThroughputMode;
  megabytes: number;
  /** Null when it could not be measured (see `note`). */
  mbPerSecond: number | null;
  seconds: number | null;
  /** Transfers timed (the median is reported). */
  rounds?: number;
  note?: string;
}

export interface EgressBenchOptions {
  /** Requests per latency series (default 200). */
  requests?: number;
  /** Size of each transfer (default 100 MB). */
  megabytes?: number;
  /** Per curl run (default 120 s). */
  timeoutMs?: number;
  /** Interleaved rounds of the direct and passthrough transfers (default 3). */
  rounds?: number;
}

const SECRET = "sk-bench-0123456789abcdefghij";
const PLACEHOLDER = "bb-placeholder-bench-0001";
const MB = 1024 * 1024;

interface Daemon {
  socket: string;
  /** 127.0.0.1 port of a socat forwarder to the socket (as inside a bottle). */
  port: number;
  stop(): Promise<void>;
}

/** Temp files, the stand-in, and daemons with DLP off and on. */
class BenchWorld {
  private readonly daemons = new Map<boolean, Promise<Daemon>>();

  private constructor(readonly dir: string, readonly standIn: StandIn) {}

  static async create(): Promise<BenchWorld> {
    const dir = Deno.makeTempDirSync({ prefix: "egress-bench-" });
    const standIn = await startStandIn(["api.test", "raw.test", "127.0.0.1"]);
    await writeCaDir(dir);
    Deno.writeTextFileSync(`${dir}/ca.crt`, (await testCa()).certPem);
    Deno.writeTextFileSync(`${dir}/upstream-ca.pem`, standIn.caPem);
    const policy: EgressPolicy = {
      version: 1,
      bottle: "dev",
      allow: ["api.test", "raw.test"],
      deny: [],
      routes: [
        { host: "api.test", passthrough: false, upstream_ca_file: `${dir}/upstream-ca.pem` },
        { host: "raw.test", passthrough: true },
      ],
      // Uploads larger than the default limit (64 MiB) are blocked, as they should be.
      dlp: { max_body_bytes: 1024 * MB },
    };
    Deno.writeTextFileSync(`${dir}/policy.json`, JSON.stringify(policy));
    writeSecrets(`${dir}/secrets.json`, [
      { host: "api.test", scheme: "bearer", value: SECRET, placeholder: PLACEHOLDER },
    ]);
    return new BenchWorld(dir, standIn);
  }

  /** A daemon started exactly as a bundle would (DLP off: `--no-dlp`), one per setting. */
  daemon(dlp: boolean): Promise<Daemon> {
    let daemon = this.daemons.get(dlp);
    if (daemon === undefined) {
      daemon = this.startDaemon(dlp);
      this.daemons.set(dlp, daemon);
    }
    return daemon;
  }

  private async startDaemon(dlp: boolean): Promise<Daemon> {
    const name = dlp ? "dlp" : "nodlp";
    Deno.mkdirSync(`${this.dir}/${name}/run`, { recursive: true });
    const spec = egressChild({
      bottle: "dev",
      runDir: `${this.dir}/${name}/run`,
      policy: `${this.dir}/policy.json`,
      logDir: `${this.dir}/${name}/log`,
      caDir: `${this.dir}/ca`,
      secrets: `${this.dir}/secrets.json`,
    }, {
      ...Deno.env.toObject(),
      [TEST_RESOLVE_ENV]: JSON.stringify({ "api.test": "127.0.0.1", "raw.test": "127.0.0.1" }),
    });
    const child = new Deno.Command(spec.command, {
      args: dlp ? spec.args : [...spec.args, "--no-dlp"],
      env: spec.env,
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "inherit",
    }).spawn();
    if (!await poll(() => accepts(spec.socket), { timeoutMs: 10_000 })) {
      child.kill("SIGKILL");
      throw new Error("the egress daemon did not start");
    }
    const door = await startSocat(spec.socket);
    const daemon: Daemon = {
      socket: spec.socket,
      port: door.port,
      async stop(): Promise<void> {
        await door.stop();
        try {
          child.kill("SIGTERM");
        } catch {
          // exited
        }
        await child.status;
      },
    };
    return daemon;
  }

  url(host: string, path: string): string {
    return `https://${host}:${this.standIn.port}${path}`;
  }

  /** curl options for the stand-in directly (its own CA, name pinned to 127.0.0.1). */
  direct(host = "api.test"): string[] {
    return [
      "--http1.1",
      "--cacert",
      `${this.dir}/upstream-ca.pem`,
      "--resolve",
      `${host}:${this.standIn.port}:127.0.0.1`,
    ];
  }

  /** curl options through a daemon's socket, trusting the bottle CA (or the origin's). */
  proxied(daemon: Daemon, trust: "bottle" | "origin" = "bottle"): string[] {
    return [
      "--http1.1",
      "--proxy",
      `http://127.0.0.1:${daemon.port}`,
      "--cacert",
      trust === "bottle" ? `${this.dir}/ca.crt` : `${this.dir}/upstream-ca.pem`,
    ];
  }

  async close(): Promise<void> {
    const daemons = await Promise.allSettled(this.daemons.values());
    for (const daemon of daemons) if (daemon.status === "fulfilled") await daemon.value.stop();
    await this.standIn.close();
    Deno.removeSync(this.dir, { recursive: true });
  }
}

export async function benchEgressLatency(options: EgressBenchOptions = {}): Promise<LatencyResult> {
  const world = await BenchWorld.create();
  try {
    return await latency(world, options);
  } finally {
    await world.close();
  }
}

async function latency(world: BenchWorld, options: EgressBenchOptions): Promise<LatencyResult> {
  const count = options.requests ?? 200;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const daemon = await world.daemon(false);
  const url = world.url("api.test", "/hello");
  const auth = ["-H", `Authorization: Bearer ${PLACEHOLDER}`];
  await series(world.direct(), url, 5, timeoutMs);
  await series([...world.proxied(daemon), ...auth], url, 5, timeoutMs);
  const directMs = await series(world.direct(), url, count, timeoutMs);
  const interceptedMs = await series([...world.proxied(daemon), ...auth], url, count, timeoutMs);
  const directP50 = p50(directMs);
  const interceptedP50 = p50(interceptedMs);
  return {
    directMs,
    interceptedMs,
    directP50,
    interceptedP50,
    addedP50: interceptedP50 - directP50,
  };
}

export async function benchEgressThroughput(
  options: EgressBenchOptions = {},
): Promise<ThroughputRow[]> {
  const world = await BenchWorld.create();
  try {
    return await throughput(world, options);
  } finally {
    await world.close();
  }
}

async function throughput(
  world: BenchWorld,
  options: EgressBenchOptions,
): Promise<ThroughputRow[]> {
  const megabytes = options.megabytes ?? 100;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const bytes = megabytes * MB;
  const upload = `${world.dir}/upload.bin`;
  const file = await Deno.open(upload, { write: true, create: true, truncate: true });
  const block = new Uint8Array(MB).map((_, i) => 97 + (i % 26));
  for (let i = 0; i < megabytes; i++) await file.write(block);
  file.close();
  const noDlp = await world.daemon(false);
  const dlp = await world.daemon(true);
  const modes: Array<[ThroughputMode, string, string[]]> = [
    ["direct", "api.test", world.direct()],
    ["passthrough", "raw.test", world.proxied(noDlp, "origin")],
    ["intercept", "api.test", world.proxied(noDlp)],
    ["intercept+dlp", "api.test", world.proxied(dlp)],
  ];
  const transfer = async (
    host: string,
    base: string[],
    direction: "download" | "upload",
  ): Promise<number> => {
    const args = direction === "download"
      ? [world.url(host, `/big?bytes=${bytes}`), "-o", "/dev/null"]
      : ["-X", "POST", "-T", upload, world.url(host, "/upload")];
    const started = performance.now();
    const out = await curl([...base, ...args], timeoutMs);
    const seconds = (performance.now() - started) / 1000;
    if (direction === "upload" && Number(out) !== bytes) {
      throw new Error(`the stand-in received ${out} bytes, not ${bytes}`);
    }
    return seconds;
  };
  const rows: ThroughputRow[] = [];
  const samples = new Map<ThroughputRow, number[]>();
  for (const [mode] of modes) {
    for (const direction of ["download", "upload"] as const) {
      const row: ThroughputRow = {
        key: `egress-${direction}-${mode}`,
        label: `${megabytes} MB ${direction}, ${mode}`,
        direction,
        mode,
        megabytes,
        mbPerSecond: null,
        seconds: null,
      };
      rows.push(row);
      samples.set(row, []);
    }
  }
  // Direct and passthrough, whose ratio is a target, run interleaved for `rounds` rounds (the
  // median counts), so that the machine's load hits both alike; the intercepted modes once.
  const rounds = options.rounds ?? 3;
  for (let round = 0; round < rounds; round++) {
    for (const row of rows) {
      const repeated = row.mode === "direct" || row.mode === "passthrough";
      if (round > 0 && !repeated) continue;
      if (row.note) continue;
      const [, host, base] = modes.find(([mode]) => mode === row.mode)!;
      try {
        samples.get(row)!.push(await transfer(host, base, row.direction));
      } catch (error) {
        row.note = (error as Error).message;
      }
    }
  }
  for (const row of rows) {
    const taken = samples.get(row)!;
    if (row.note || taken.length === 0) continue;
    row.seconds = p50(taken);
    row.mbPerSecond = megabytes / row.seconds;
    row.rounds = taken.length;
  }
  return rows;
}

export interface EgressBenchReport {
  latency: LatencyResult;
  throughput: ThroughputRow[];
}

export async function benchEgress(options: EgressBenchOptions = {}): Promise<EgressBenchReport> {
  const world = await BenchWorld.create();
  try {
    return { latency: await latency(world, options), throughput: await throughput(world, options) };
  } finally {
    await world.close();
  }
}

export function renderEgressBench(report: EgressBenchReport): string {
  const { latency } = report;
  const lines = [
    `HTTPS request p50 (kept-alive, after the first handshake, n=${latency.directMs.length}):`,
    `  direct ${latency.directP50.toFixed(3)} ms, intercepted ${
      latency.interceptedP50.toFixed(3)
    } ms, added ${latency.addedP50.toFixed(3)} ms`,
    "throughput:",
    ...report.throughput.map((row) =>
      `  ${row.label.padEnd(34)} ${
        row.mbPerSecond === null
          ? `not measured: ${row.note}`
          : `${row.mbPerSecond.toFixed(1)} MB/s (${row.seconds!.toFixed(2)} s` +
            `${(row.rounds ?? 1) > 1 ? `, median of ${row.rounds}` : ""})`
      }`
    ),
  ];
  return lines.join("\n");
}

if (import.meta.main) {
  const argv = Deno.args;
  const value = (name: string): number | undefined => {
    const at = argv.indexOf(name);
    return at < 0 ? undefined : Number(argv[at + 1]);
  };
  const report = await benchEgress({
    requests: value("--requests"),
    megabytes: value("--megabytes"),
  });
  console.log(renderEgressBench(report));
}
