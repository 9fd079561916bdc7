/**
 * DLP throughput on benign content (source code, a base64 image, JSON with UUIDs and git
 * SHAs, npm metadata), for `deno task bench`. Raw bodies stream in 64 KiB chunks; `gzip`
 * counts decoded bytes; `form` is the corpus as url-encoded form fields.
 */
import { Buffer } from "node:buffer";
import process from "node:process";
import zlib from "node:zlib";
import { createDlpEngine } from "../engine.ts";
import { mixedCorpus } from "./benign.ts";
import { Rng } from "./random.ts";

export type ThroughputKind = "raw" | "gzip" | "form";

const CHUNK = 64 * 1024;

function body(kind: ThroughputKind, bytes: number): {
  data: Uint8Array;
  decoded: number;
  contentType: string;
  contentEncoding: string | null;
} {
  const text = mixedCorpus(new Rng(42), bytes);
  if (kind === "form") {
    const fields = text.match(/[^]{1,2000}/g) ?? [];
    const form = fields.map((f, i) => `field${i}=${encodeURIComponent(f)}`).join("&");
    const data = Buffer.from(form, "latin1");
    return {
      data,
      decoded: data.length,
      contentType: "application/x-www-form-urlencoded",
      contentEncoding: null,
    };
  }
  const raw = Buffer.from(text, "latin1");
  if (kind === "gzip") {
    return {
      data: zlib.gzipSync(raw),
      decoded: raw.length,
      contentType: "application/json",
      contentEncoding: "gzip",
    };
  }
  return { data: raw, decoded: raw.length, contentType: "text/plain", contentEncoding: null };
}

/** CPU time of this process (all threads: JIT and GC count against the scanner). */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * Scans `bytes` of benign corpus (decoded size) and reports MB (10^6 bytes) per CPU-second
 * — per core; the best of 7 runs, as other processes competing for the CPU only slow a run down.
 */
export function measureDlpThroughput(
  bytes: number,
  kind: ThroughputKind = "raw",
): { mbPerSecond: number } {
  const { data, decoded, contentType, contentEncoding } = body(kind, bytes);
  const engine = createDlpEngine({
    rules: {},
    bottleSecrets: [
      { id: "api.anthropic.com", value: "sk-ant-api03-" + "x".repeat(8) + "BottleSecretValue0123" },
      { id: "api.github.com", value: "ghp_BottleSecretForBenchmark0123456789" },
    ],
    maxBodyBytes: decoded + 1,
  });
  const run = (): number => {
    const start = cpuSeconds();
    const scan = engine.scanBody("example.com", contentType, contentEncoding);
    let findings = 0;
    for (let i = 0; i < data.length; i += CHUNK) {
      findings += scan.push(data.subarray(i, i + CHUNK)).length;
    }
    findings += scan.end().length;
    if (findings > 0) throw new Error(`benign corpus produced ${findings} findings`);
    return cpuSeconds() - start;
  };
  run();
  const times = Array.from({ length: 7 }, run).sort((a, b) => a - b);
  return { mbPerSecond: decoded / 1e6 / times[0] };
}

if (import.meta.main) {
  const mb = Number(Deno.args[0] ?? 32);
  for (const kind of ["raw", "gzip", "form"] as const) {
    const { mbPerSecond } = measureDlpThroughput(mb * 1e6, kind);
    console.log(`${kind.padEnd(5)} ${mbPerSecond.toFixed(0)} MB/s`);
  }
}
