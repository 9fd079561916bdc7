/**
 * The egress part of `deno task bench`: added latency per intercepted HTTPS request, 100 MB
 * transfers direct / passthrough / intercepted / intercepted with DLP, DLP scan speed per
 * core, and the DLP corpus's figures through the proxy (recall, evasions per family, benign
 * false positives, leaks; reported, not asserted) — printed with ratios and the issue's
 * targets.
 */
import { benchEgress, renderEgressBench } from "./egress_proxy.ts";
import { renderCorpusReport, runDlpCorpus } from "../../sidecars/egress/testing/dlp_corpus/mod.ts";
import { measureDlpThroughput } from "../../sidecars/egress/dlp/testing/throughput.ts";
import type { SrtSetup } from "./srt.ts";
import { measureSrtProxyLatency } from "./srt_proxy.ts";

interface Target {
  label: string;
  pass: boolean;
}

export async function runEgressBench(
  megabytes: number,
  srt: SrtSetup,
  workDir: string,
): Promise<{ text: string; targets: Target[] }> {
  const report = await benchEgress({ megabytes });
  const srtProxy = await measureSrtProxyLatency(srt, workDir);
  const rate = (mode: string, direction: string): number | null =>
    report.throughput.find((row) => row.mode === mode && row.direction === direction)
      ?.mbPerSecond ??
      null;
  const dlp = {
    raw: measureDlpThroughput(64 * 1024 * 1024, "raw").mbPerSecond,
    gzip: measureDlpThroughput(16 * 1024 * 1024, "gzip").mbPerSecond,
    form: measureDlpThroughput(16 * 1024 * 1024, "form").mbPerSecond,
  };
  const lines = [renderEgressBench(report)];
  if ("reason" in srtProxy) {
    lines.push(`srt proxy per-request p50: not measured: ${srtProxy.reason}`);
  } else {
    const added = srtProxy.srtP50 - srtProxy.directP50;
    lines.push(
      `srt proxy per-request p50 (CONNECT tunnel, no interception): direct ${
        srtProxy.directP50.toFixed(3)
      } ms, ` +
        `through srt ${srtProxy.srtP50.toFixed(3)} ms, added ${added.toFixed(3)} ms`,
      `  added by bot-bottle (intercepting) / added by srt (tunnel only) = ${
        (report.latency.addedP50 / added).toFixed(2)
      }x`,
    );
  }
  lines.push("DLP scan, per core (benign corpus):");
  for (const [kind, value] of Object.entries(dlp)) {
    lines.push(`  ${kind.padEnd(34)} ${value.toFixed(1)} MB/s`);
  }
  lines.push("DLP corpus through the proxy (plain HTTP and intercepted HTTPS):");
  try {
    const corpus = await runDlpCorpus();
    lines.push(...renderCorpusReport(corpus, 10).split("\n").map((line) => `  ${line}`));
  } catch (error) {
    lines.push(`  not measured: ${(error as Error).message}`);
  }
  lines.push("ratios:");
  for (const direction of ["download", "upload"]) {
    const direct = rate("direct", direction);
    for (const mode of ["passthrough", "intercept", "intercept+dlp"]) {
      const value = rate(mode, direction);
      if (direct && value) {
        lines.push(`  ${direction} ${mode} / direct = ${(value / direct).toFixed(2)}x`);
      }
    }
    const on = rate("intercept+dlp", direction);
    const off = rate("intercept", direction);
    if (on && off) lines.push(`  ${direction} DLP on / off = ${(on / off).toFixed(2)}x`);
  }
  const passthroughRatio = (direction: string): number | null => {
    const direct = rate("direct", direction);
    const through = rate("passthrough", direction);
    return direct && through ? through / direct : null;
  };
  const ratioLine = (direction: string): Target => {
    const value = passthroughRatio(direction);
    return {
      label: `passthrough ${direction} / direct = ${
        value === null ? "n/a" : `${value.toFixed(2)}x`
      } (target ≥ 0.9x)`,
      pass: value !== null && value >= 0.9,
    };
  };
  const targets: Target[] = [
    {
      label: `added p50 per intercepted HTTPS request = ${
        report.latency.addedP50.toFixed(3)
      } ms (target ≤ 0.5 ms)`,
      pass: report.latency.addedP50 <= 0.5,
    },
    ratioLine("download"),
    ratioLine("upload"),
    {
      label: `DLP raw = ${dlp.raw.toFixed(0)} MB/s per core (target ≥ 100 MB/s)`,
      pass: dlp.raw >= 100,
    },
  ];
  lines.push("egress targets:");
  for (const target of targets) lines.push(`  ${target.pass ? "PASS" : "MISS"}  ${target.label}`);
  return { text: lines.join("\n"), targets };
}
