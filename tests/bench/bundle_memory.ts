/**
 * Bundle memory: starts N sidecar bundles (one per bottle, as the engine's sidecar_bundle
 * resource does: startBundle with a policy, CA and secrets file), waits until each proxy
 * answers a request and has warmed up, then reads every bundle process's RSS and PSS from
 * /proc/PID/smaps_rollup. Target (issue 10, deliver 6): one bottle's sidecars ≤ 60 MB RSS.
 *
 *   deno run -A tests/bench/bundle_memory.ts [--bottles N]
 */
import { parseArgs } from "node:util";
import { EGRESS_RUNTIME_FLAGS, startBundle, stopBundle } from "../../sidecars/bundle/launch.ts";
import type { BundleHandle, BundleSpec } from "../../sidecars/bundle/types.ts";
import {
  passthroughRoute,
  proxyRequest,
  testPolicy,
  writeCaDir,
  writePolicyFile,
  writeSecrets,
} from "../../sidecars/egress/testing/mod.ts";
import { readCmdline, sessionMembers } from "../../lib/process.ts";
import { type ProcessMemory, readProcessMemory, sumMemory } from "./smaps.ts";
import { summarize } from "./stats.ts";
import { sleep } from "../../lib/wait.ts";

export const BUNDLE_RSS_TARGET_MB = 60;
/** The proxy warms up (leaf minter, node:tls, interception module) after it answers. */
const SETTLE_MS = 3000;

export interface BundleMemory {
  bottle: string;
  /** One row per process of the bundle's session. */
  processes: (ProcessMemory & { pid: number; role: string })[];
  total: ProcessMemory;
}

export interface BundleMemoryReport {
  bottles: BundleMemory[];
  text: string;
  pass: boolean;
}

async function bundleSpec(root: string, bottle: string): Promise<BundleSpec> {
  const dir = `${root}/${bottle}`;
  Deno.mkdirSync(`${dir}/run`, { recursive: true, mode: 0o711 });
  writePolicyFile(
    `${dir}/policy.json`,
    testPolicy(["api.test", "raw.test"], [passthroughRoute("raw.test")], { bottle }),
  );
  writeSecrets(`${dir}/secrets.json`, [], bottle);
  return {
    bottle,
    runDir: `${dir}/run`,
    policyFile: `${dir}/policy.json`,
    logDir: `${dir}/log`,
    caDir: await writeCaDir(dir),
    secretsFile: `${dir}/secrets.json`,
  };
}

function roleOf(pid: number, supervisorPid: number): string {
  if (pid === supervisorPid) return "supervisor";
  const argv = readCmdline(pid) ?? [];
  return argv.some((arg) => arg.endsWith("egress/main.ts")) ? "egress" : "other";
}

function measure(bottle: string, handle: BundleHandle): BundleMemory {
  const processes = sessionMembers(handle.supervisor).flatMap((p) => {
    const memory = readProcessMemory(p.pid);
    return memory === null
      ? []
      : [{ pid: p.pid, role: roleOf(p.pid, handle.supervisor.pid), ...memory }];
  });
  return { bottle, processes, total: sumMemory(processes) };
}

const mb = (kb: number): string => `${(kb / 1024).toFixed(1)} MB`;

export function renderBundleMemory(bottles: readonly BundleMemory[]): string {
  const lines = [`sidecar memory per bottle, ${bottles.length} bottles running (RSS / PSS):`];
  const roles = [...new Set(bottles.flatMap((b) => b.processes.map((p) => p.role)))];
  const row = (label: string, values: ProcessMemory[]): string => {
    const rss = summarize(values.map((v) => v.rssKb));
    const pss = summarize(values.map((v) => v.pssKb));
    if (rss === null || pss === null) return `  ${label.padEnd(22)} -`;
    return `  ${label.padEnd(22)} median ${mb(rss.median)} / ${mb(pss.median)}, ` +
      `max ${mb(rss.max)} / ${mb(pss.max)}`;
  };
  for (const role of roles) {
    lines.push(row(role, bottles.flatMap((b) => b.processes.filter((p) => p.role === role))));
  }
  lines.push(row("bottle total", bottles.map((b) => b.total)));
  const all = sumMemory(bottles.map((b) => b.total));
  lines.push(`  all ${bottles.length} bottles: ${mb(all.rssKb)} RSS / ${mb(all.pssKb)} PSS`);
  return lines.join("\n");
}

/** Bundles started and not yet stopped, so that an interrupted bench can still stop them. */
const liveBundles = new Set<BundleHandle>();

export async function stopLiveBundles(): Promise<void> {
  for (const handle of [...liveBundles]) {
    await stopBundle(handle).catch(() => {});
    liveBundles.delete(handle);
  }
}

/** Starts `count` bundles, measures them, stops them (also on error). */
export async function benchBundleMemory(count = 10): Promise<BundleMemoryReport> {
  const root = Deno.makeTempDirSync({ prefix: "bundle-mem-" });
  const handles: [string, BundleHandle][] = [];
  try {
    for (let i = 0; i < count; i++) {
      const bottle = `mem${i}`;
      const handle = await startBundle(await bundleSpec(root, bottle));
      liveBundles.add(handle);
      handles.push([bottle, handle]);
    }
    for (const [, handle] of handles) {
      const answer = await proxyRequest(
        handle.sockets.egress,
        "CONNECT denied.test:443 HTTP/1.1\r\n\r\n",
        "CONNECT",
      );
      if (answer.status !== 403) throw new Error(`proxy answered ${answer.status}, not 403`);
    }
    await sleep(SETTLE_MS);
    const bottles = handles.map(([bottle, handle]) => measure(bottle, handle));
    const worst = Math.max(...bottles.map((b) => b.total.rssKb));
    const pass = worst <= BUNDLE_RSS_TARGET_MB * 1024;
    const flags = EGRESS_RUNTIME_FLAGS.length === 0 ? "none" : EGRESS_RUNTIME_FLAGS.join(" ");
    const text = renderBundleMemory(bottles) +
      `\n  egress runtime flags: ${flags}` +
      `\n  ${pass ? "PASS" : "MISS"}  largest bottle's sidecars = ${mb(worst)} RSS ` +
      `(target ≤ ${BUNDLE_RSS_TARGET_MB} MB)`;
    return { bottles, text, pass };
  } finally {
    await stopLiveBundles();
    Deno.removeSync(root, { recursive: true });
  }
}

if (import.meta.main) {
  let count = Number.NaN;
  try {
    const { values } = parseArgs({ args: Deno.args, options: { bottles: { type: "string" } } });
    count = Number(values.bottles ?? 10);
  } catch {
    // reported below
  }
  if (!Number.isInteger(count) || count < 1) {
    console.error("usage: bundle_memory.ts [--bottles N]");
    Deno.exit(2);
  }
  const report = await benchBundleMemory(count);
  console.log(report.text);
  for (const bottle of report.bottles) {
    console.log(
      `  ${bottle.bottle}: ` +
        bottle.processes.map((p) => `${p.role} ${mb(p.rssKb)}/${mb(p.pssKb)}`).join(", "),
    );
  }
}
