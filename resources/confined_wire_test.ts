import { assertEquals, assertThrows } from "../tests/assert.ts";
import {
  decodeRecords,
  encodeRecords,
  fileReads,
  treeRead,
  type WireRecord,
  writeRecords,
} from "./confined_wire.ts";

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const record = (kind: string, path: string, data = "", mode: number | null = null): WireRecord => ({
  kind,
  path,
  mode,
  data: text(data),
});

Deno.test("wire: any byte passes in names and content; records come back as they went", () => {
  const records: WireRecord[] = [
    record("file", "a\nb:c,d", "x\0y", 0o644),
    record("missing", "gone"),
    { kind: "file", path: "bin", mode: 0o755, data: Uint8Array.of(0, 255, 0x2c, 0x3a, 10) },
    record("symlink", "l", "/etc/passwd"),
  ];
  const bytes = encodeRecords(records);
  assertEquals(new TextDecoder().decode(bytes.subarray(0, 17)), "4:file,7:a\nb:c,d,");
  assertEquals(decodeRecords(bytes), records);
  assertEquals(decodeRecords(new Uint8Array()), []);
});

Deno.test("wire: a truncated or malformed answer is refused, not half-read", () => {
  const bytes = encodeRecords([record("file", "a", "content", 0o600)]);
  assertThrows(() => decodeRecords(bytes.subarray(0, bytes.length - 1)), /truncated/);
  assertThrows(() => decodeRecords(text("4:file,1:a,")), /2 fields, not 4/);
  assertThrows(() => decodeRecords(text("x:file,")), /malformed record at byte 0/);
  assertThrows(() => decodeRecords(text("9999999999999:")), /malformed/);
  assertThrows(() => decodeRecords(text("4:file,1:a,3:9xx,0:,")), /malformed mode/);
});

Deno.test("wire: a read answer per path — content, nothing, or what is there instead", () => {
  const paths = ["f", "gone", "d", "l", "p", "big", "locked", "x/y", "m/n"];
  const reads = fileReads(paths, [
    record("file", "f", "hello", 0o600),
    record("missing", "gone"),
    record("directory", "d", "", 0o700),
    record("symlink", "l", "/host/secret"),
    record("fifo", "p"),
    record("large", "big", "20000000", 0o644),
    record("error", "locked", "Permission denied"),
    record("symlink", "x", "/host/dir"),
    record("missing", "m"),
  ]);
  assertEquals(Object.fromEntries(reads), {
    f: { kind: "file", bytes: text("hello"), mode: 0o600 },
    gone: { kind: "missing" },
    d: { kind: "directory" },
    l: { kind: "not-regular", what: "a symlink" },
    p: { kind: "not-regular", what: "a FIFO" },
    big: { kind: "not-regular", what: "too large (20000000 bytes)" },
    locked: { kind: "not-regular", what: "unreadable (Permission denied)" },
    "x/y": { kind: "not-regular", what: "behind x, which is a symlink" },
    "m/n": { kind: "missing" },
  });
  assertThrows(() => fileReads(["a", "b"], [record("missing", "a")]), /asked for 2 files, got 1/);
});

Deno.test("wire: a tree answer — its root first, then entries; problems apart", () => {
  assertEquals(treeRead("s", [record("missing", "s")]), { kind: "missing" });
  assertEquals(treeRead("s", [record("symlink", "s", "/host")]), {
    kind: "not-regular",
    what: "a symlink",
  });
  assertEquals(treeRead("a/s", [record("file", "a", "")]), {
    kind: "not-regular",
    what: "behind a, which is a file",
  });
  assertEquals(
    treeRead("s", [
      record("directory", "s", "", 0o755),
      record("directory", "k", "", 0o755),
      record("file", "k/SKILL.md", "hi", 0o644),
      record("large", "k/blob", "99", 0o644),
      record("symlink", "k/l", "../../x"),
      record("fifo", "k/p"),
      record("error", "", "more than 100000 entries"),
    ]),
    {
      kind: "tree",
      entries: [
        { path: "k", kind: "directory", mode: 0o755 },
        { path: "k/SKILL.md", kind: "file", mode: 0o644, bytes: text("hi") },
        { path: "k/blob", kind: "file", mode: 0o644, bytes: null },
        { path: "k/l", kind: "symlink", target: "../../x" },
        { path: "k/p", kind: "other", what: "a FIFO" },
      ],
      problems: ['"." is unreadable (more than 100000 entries)'],
    },
  );
});

Deno.test("wire: what to write goes by plain relative paths only", () => {
  const bytes = writeRecords([
    { path: "d", kind: "directory", mode: 0o700 },
    { path: "d/f", kind: "file", mode: 0o600, bytes: text("x") },
    { path: "d/l", kind: "symlink", target: "f" },
  ]);
  assertEquals(decodeRecords(bytes), [
    record("directory", "d", "", 0o700),
    record("file", "d/f", "x", 0o600),
    record("symlink", "d/l", "f"),
  ]);
  for (const path of ["/etc/passwd", "../x", "a/../b", "a//b", "./a", "a/", "", "a\0b"]) {
    assertThrows(
      () => writeRecords([{ path, kind: "directory", mode: 0o700 }]),
      /is not a plain relative path/,
    );
  }
});
