/**
 * A tiny DLP engine for tests (not used in production): `DLP-TEST-SECRET` anywhere is a
 * block finding, `DLP-TEST-WARN` a warning. Bodies are scanned as a stream with the same
 * hold-back contract as the real engine.
 */

import { latin1 } from "../../../lib/bytes.ts";
import type { BodyScan, DlpEngine, DlpFinding, DlpWhere } from "../dlp/types.ts";
import type { DlpFactory } from "../proxy.ts";

export const BLOCK_MARK = "DLP-TEST-SECRET";
export const WARN_MARK = "DLP-TEST-WARN";

function findings(text: string, where: DlpWhere): DlpFinding[] {
  const out: DlpFinding[] = [];
  if (text.includes(BLOCK_MARK)) {
    out.push({ rule: "test-secret", action: "block", where, detail: "a test secret" });
  }
  if (text.includes(WARN_MARK)) {
    out.push({ rule: "test-warn", action: "warn", where, detail: "a test marker" });
  }
  return out;
}

class FakeBodyScan implements BodyScan {
  private tail = "";
  private pushed = 0;
  private ended = false;
  private readonly seen = new Set<string>();
  private readonly window = Math.max(BLOCK_MARK.length, WARN_MARK.length) - 1;

  get safeBytes(): number {
    return this.ended ? this.pushed : Math.max(0, this.pushed - this.tail.length);
  }

  push(chunk: Uint8Array): DlpFinding[] {
    const text = this.tail + latin1(chunk);
    this.pushed += chunk.length;
    this.tail = text.slice(Math.max(0, text.length - this.window));
    return findings(text, "body").filter((f) => {
      if (this.seen.has(f.rule)) return false;
      this.seen.add(f.rule);
      return true;
    });
  }

  end(): DlpFinding[] {
    this.ended = true;
    return [];
  }
}

/** Counts what it was asked, so tests can check every request went through it. */
export interface FakeDlp {
  factory: DlpFactory;
  calls: { urls: number; headers: number; bodies: number };
  /** Secret ids it was configured with (bottleSecrets). */
  secretIds: string[];
}

export function fakeDlp(): FakeDlp {
  const calls = { urls: 0, headers: 0, bodies: 0 };
  const state: FakeDlp = { factory: () => engine, calls, secretIds: [] };
  const engine: DlpEngine = {
    scanUrl: (_host, path) => {
      calls.urls++;
      return findings(path, "url");
    },
    scanHeaders: (_host, headers) => {
      calls.headers++;
      return headers.flatMap((h) => findings(`${h.name}: ${h.value}`, "header"));
    },
    scanBody: () => {
      calls.bodies++;
      return new FakeBodyScan();
    },
  };
  state.factory = (config) => {
    state.secretIds = config.bottleSecrets.map((s) => s.id);
    return engine;
  };
  return state;
}
