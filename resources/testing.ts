/** Test fixtures for compiling bottles without a project on disk. */
import { LIMIT_DEFAULTS, superviseSpec } from "../manifest/defaults.ts";
import type { BottleManifest } from "../manifest/types.ts";
import type { CompileOptions } from "./bottle_context.ts";

/** A bottle `dev` of project `/p` with every default, and `overrides` on top. */
export function testBottle(overrides: Partial<BottleManifest> = {}): BottleManifest {
  return {
    name: "dev",
    file: "/p/bottles/dev.md",
    backend: "bwrap",
    env: {},
    egress: { allow: [], deny: [], routes: [] },
    git: {},
    supervise: superviseSpec({ enabled: false }),
    limits: { ...LIMIT_DEFAULTS },
    extends_chain: [],
    notes: "",
    ...overrides,
  };
}

/** Compile options with fixed paths and secrets described by their route or label. */
export function testCompileOptions(overrides: Partial<CompileOptions> = {}): CompileOptions {
  return {
    stateDir: "/state",
    project: "/project",
    home: "/home/op",
    cacheDir: "/cache",
    describeSecret: (_bottle, route) => ({
      placeholder: `ph-${route.host}`,
      fingerprint: `fp-${route.host}`,
    }),
    fingerprintSecret: (_bottle, secret) => `fp-${secret.label}`,
    hostKeys: (_bottle, upstream) => `${upstream.host} ssh-ed25519 AAAA`,
    ...overrides,
  };
}
