/**
 * The egress proxy's layering, checked over its import graph:
 *
 * - no product module imports test support: anything under a `testing/` folder, a `*_test.ts`,
 *   a `test_*.ts`, a fixture or a bench module (test support lives in testing/, dlp/testing/
 *   and tests/bench/);
 * - the product imports nothing of bot-bottle outside sidecars/egress but lib/net/ (the host
 *   rules and IP ranges it shares with manifest/) and the few leaf helpers in SHARED_LIB, so
 *   neither manifest/ nor sidecars/bundle/ can form a loop with it; lib/net/ and those
 *   helpers import nothing of bot-bottle;
 * - a room (a folder under sidecars/egress) is entered through its face, its `mod.ts`, with
 *   the few exceptions listed in FACE_EXCEPTIONS; every room has a face;
 * - rooms do not import each other in a circle;
 * - outside a face, no file only re-exports;
 * - `deno info` on the daemon (main.ts) and on the face the engine uses (mod.ts) agrees:
 *   their whole graphs, dynamic imports included, hold no test module and nothing outside
 *   sidecars/egress, lib/net/ and SHARED_LIB.
 */

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const EGRESS = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(EGRESS, "../..");
const LIB_NET = join(REPO, "lib", "net");

/** The leaf helpers of lib/ the proxy shares with the engine: tiny, and importing no project file. */
const SHARED_LIB = ["bytes.ts", "sha256.ts", "wait.ts"].map((name) => join(REPO, "lib", name));

/** lib/net/ or one of SHARED_LIB: what the product may import from outside sidecars/egress. */
function isSharedLib(path: string): boolean {
  return inside(path, LIB_NET) || SHARED_LIB.includes(path);
}

/** The bottom layer every room (and tls/) uses; it sits at the top level and imports nothing. */
const BASE_MODULES = new Set(["conn_io.ts"]);

/**
 * Cross-room imports that name a file instead of a face, and why: each keeps a deliberate
 * lazy load lazy (the leaf minter after the socket listens, node:tls on first interception).
 */
const FACE_EXCEPTIONS: Record<string, string> = {
  "tls/leaf.ts": "the leaf minter, loaded after the socket listens (main.ts)",
  "tls/server.ts": "node:tls server contexts, loaded on first interception",
  "tls/keys.ts": "the CA key check at start-up, without the leaf minter",
};

interface Import {
  specifier: string;
  /** Absolute path for a file import; null for node:, npm: and other schemes. */
  path: string | null;
  dynamic: boolean;
}

const STATIC = /^\s*(?:import|export)\s[^;"'=()]*?\bfrom\s*["']([^"']+)["']/gm;
const BARE = /^\s*import\s*["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Comments that start a line (doc blocks, `//` notes) may quote imports; they are dropped. */
function code(file: string): string {
  return readFileSync(file, "utf8").replace(/^\s*\/\*[^]*?\*\//gm, "").replace(/^\s*\/\/.*$/gm, "");
}

function importsOf(file: string): Import[] {
  const text = code(file);
  const found: Import[] = [];
  const add = (specifier: string, dynamic: boolean): void => {
    const relativeSpecifier = specifier.startsWith("./") || specifier.startsWith("../");
    found.push({
      specifier,
      path: relativeSpecifier ? resolve(dirname(file), specifier) : null,
      dynamic,
    });
  };
  for (const match of text.matchAll(STATIC)) add(match[1], false);
  for (const match of text.matchAll(BARE)) add(match[1], false);
  for (const match of text.matchAll(DYNAMIC)) add(match[1], true);
  return found;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** Test support or a test: what the product may never import. */
function isTestModule(path: string): boolean {
  const name = basename(path);
  return path.split(sep).includes("testing") || name.endsWith("_test.ts") ||
    name.startsWith("test_") || name.includes("fixture") || name.includes("bench");
}

function inside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep);
}

/** The room of a module: its first folder under sidecars/egress; top-level files are the entry. */
function roomOf(path: string): string {
  const rel = relative(EGRESS, path);
  const parts = rel.split(sep);
  if (parts.length === 1) return BASE_MODULES.has(rel) ? rel : "(entry)";
  return parts[0];
}

const productFiles = walk(EGRESS).filter((path) => !isTestModule(path));
const rel = (path: string): string => relative(EGRESS, path);

Deno.test("layering: no product module imports test support", () => {
  const bad: string[] = [];
  for (const file of productFiles) {
    for (const imp of importsOf(file)) {
      if (imp.path !== null && isTestModule(imp.path)) bad.push(`${rel(file)} → ${imp.specifier}`);
    }
  }
  assert.deepEqual(bad, []);
});

Deno.test("layering: the product imports nothing of bot-bottle but itself and shared lib/", () => {
  const bad: string[] = [];
  for (const file of productFiles) {
    for (const imp of importsOf(file)) {
      if (imp.path === null) {
        if (!/^(node|npm):/.test(imp.specifier)) bad.push(`${rel(file)} → ${imp.specifier}`);
      } else if (!inside(imp.path, EGRESS) && !isSharedLib(imp.path)) {
        bad.push(`${rel(file)} → ${relative(REPO, imp.path)}`);
      }
    }
  }
  for (const file of [...walk(LIB_NET), ...SHARED_LIB]) {
    const own = inside(file, LIB_NET) ? LIB_NET : null;
    for (const imp of importsOf(file)) {
      if (imp.path !== null && (own === null || !inside(imp.path, own))) {
        bad.push(`${relative(REPO, file)} → ${relative(REPO, imp.path)}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

Deno.test("layering: rooms are entered through their faces (mod.ts), and each has one", () => {
  const bad: string[] = [];
  const rooms = new Set<string>();
  for (const file of productFiles) {
    const from = roomOf(file);
    if (from !== "(entry)" && !BASE_MODULES.has(from)) rooms.add(from);
    for (const imp of importsOf(file)) {
      if (imp.path === null || !inside(imp.path, EGRESS)) continue;
      const to = roomOf(imp.path);
      if (to === from || BASE_MODULES.has(to)) continue;
      const target = rel(imp.path);
      if (basename(target) === "mod.ts" || target in FACE_EXCEPTIONS) continue;
      bad.push(`${rel(file)} → ${target} (import ${to}/mod.ts instead)`);
    }
  }
  for (const room of rooms) {
    if (!existsSync(join(EGRESS, room, "mod.ts"))) bad.push(`${room}/ has no mod.ts`);
  }
  assert.deepEqual(bad, []);
});

Deno.test("layering: rooms do not import each other in a circle", () => {
  const edges = new Map<string, Set<string>>();
  for (const file of productFiles) {
    const from = roomOf(file);
    for (const imp of importsOf(file)) {
      if (imp.path === null || !inside(imp.path, EGRESS)) continue;
      const to = roomOf(imp.path);
      if (to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  const cycles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const visit = (room: string, path: string[]): void => {
    if (state.get(room) === "done") return;
    if (state.get(room) === "open") {
      cycles.push([...path.slice(path.indexOf(room)), room].join(" → "));
      return;
    }
    state.set(room, "open");
    for (const next of edges.get(room) ?? []) visit(next, [...path, room]);
    state.set(room, "done");
  };
  for (const room of edges.keys()) visit(room, []);
  assert.deepEqual(cycles, []);
});

Deno.test("layering: outside the faces, no product file only re-exports", () => {
  const bad = productFiles.filter((file) => {
    if (basename(file) === "mod.ts") return false;
    return code(file).replace(/^\s*export\s[^;]*?\bfrom\s*["'][^"']+["'];?/gm, "").trim() === "";
  });
  assert.deepEqual(bad.map(rel), []);
});

Deno.test("layering: deno info agrees for the daemon and the engine's face", async () => {
  for (const root of ["main.ts", "mod.ts"]) {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", join(EGRESS, root)],
      cwd: REPO,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(output.success, new TextDecoder().decode(output.stderr));
    const graph = JSON.parse(new TextDecoder().decode(output.stdout)) as {
      modules: { specifier: string }[];
    };
    const files = graph.modules.map((m) => m.specifier).filter((s) => s.startsWith("file:"))
      .map((s) => fileURLToPath(s));
    assert.ok(files.length > 10, `${root}: deno info saw only ${files.length} files`);
    const bad = files.filter((path) =>
      isTestModule(path) || !(inside(path, EGRESS) || isSharedLib(path))
    );
    assert.deepEqual(bad.map((path) => relative(REPO, path)), [], root);
  }
});
