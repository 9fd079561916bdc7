/**
 * Signs of life for long steps (an agent CLI's first install, an image build, a VM boot):
 * a line every few seconds with the elapsed time and, when the caller can measure it, how
 * much has been done. Only on a terminal: piped or redirected output gets nothing extra.
 */
import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";

export interface ProgressSink {
  isTerminal(): boolean;
  writeSync(bytes: Uint8Array): number;
}

export interface ProgressOptions {
  /** What is happening, e.g. `installing @anthropic-ai/claude-code@2.1.3`. */
  label: string;
  /** How much is done so far, in bytes (e.g. a directory's size); omitted when unknown. */
  measure?: () => number;
  intervalMs?: number;
  /** Default: stderr. */
  sink?: ProgressSink;
}

export interface Progress {
  /** Stops the ticks; prints `done` (e.g. "installed in 41s") when ticks were shown. */
  stop(done?: string): void;
}

const QUIET: Progress = { stop: () => {} };

export function startProgress(options: ProgressOptions): Progress {
  const sink = options.sink ?? Deno.stderr;
  if (!sink.isTerminal()) return QUIET;
  const started = performance.now();
  const encoder = new TextEncoder();
  let ticks = 0;
  const timer = setInterval(() => {
    ticks++;
    const bytes = options.measure?.();
    const line = formatProgress(options.label, performance.now() - started, bytes);
    sink.writeSync(encoder.encode(`${line}\n`));
  }, options.intervalMs ?? 5000);
  return {
    stop(done?: string): void {
      clearInterval(timer);
      if (ticks > 0 && done) {
        const elapsed = formatElapsed(performance.now() - started);
        sink.writeSync(encoder.encode(`${options.label}: ${done} after ${elapsed}\n`));
      }
    },
  };
}

/** `installing x@1: 15s, 120.4 MB so far`. */
export function formatProgress(label: string, elapsedMs: number, bytes?: number): string {
  const done = bytes === undefined ? "" : `, ${formatBytes(bytes)} so far`;
  return `${label}: ${formatElapsed(elapsedMs)}${done}`;
}

export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} kB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Bytes in regular files under `path` (0 when it does not exist yet); symlinks not followed. */
export function directorySize(path: string): number {
  let total = 0;
  const pending = [path];
  while (pending.length > 0) {
    const current = pending.pop()!;
    let stat;
    try {
      stat = lstatSync(current);
    } catch {
      continue;
    }
    if (stat.isFile()) total += stat.size;
    else if (stat.isDirectory()) {
      try {
        for (const name of readdirSync(current)) pending.push(join(current, name));
      } catch {
        // vanished or unreadable mid-walk: counted as empty
      }
    }
  }
  return total;
}
