export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  /** The runner's exit status. */
  code: number;
}

const ESC = String.fromCharCode(27);

/** Reads deno test's closing line, e.g. "ok | 12 passed (3 steps) | 0 failed | 2 ignored (1s)". */
export function summarize(tail: string, code: number): Summary {
  const plain = tail.replaceAll(new RegExp(`${ESC}\\[[0-9;]*m`, "g"), "");
  const summary = [...plain.matchAll(/(\d+) passed.*?\| (\d+) failed(?: \| (\d+) ignored)?/g)]
    .at(-1);
  return {
    passed: Number(summary?.[1] ?? 0),
    failed: Number(summary?.[2] ?? (code === 0 ? 0 : 1)),
    skipped: Number(summary?.[3] ?? 0),
    code,
  };
}
