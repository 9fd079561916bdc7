import assert from "node:assert/strict";
import { measureDlpThroughput } from "./throughput.ts";

// The speed target (≥ 100 MB/s per core) is checked by `deno task bench`, not here: a unit
// test only shows that the measurement runs and scans the corpus without findings.
Deno.test("throughput: the measurement scans each benign corpus kind", () => {
  for (const kind of ["raw", "gzip", "form"] as const) {
    const { mbPerSecond } = measureDlpThroughput(1e6, kind);
    assert.ok(Number.isFinite(mbPerSecond) && mbPerSecond > 0, `${kind}: ${mbPerSecond}`);
  }
});
