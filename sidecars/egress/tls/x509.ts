/**
 * The one place that names the X.509 library. Sidecars run with `--no-config`, so the
 * specifier is spelled out in full here; deno.json pins the same versions (a test checks).
 * `@peculiar/x509` needs the Reflect metadata polyfill loaded first.
 *
 * Only the engine's CA generator (ca.ts) and tests load it: the egress proxy mints leaves
 * with its own DER code (leaf_cert.ts), which saves ~11 MB RSS per proxy, and
 * proxy_graph_test.ts keeps this module out of the proxy's import graph.
 */

// deno-lint-ignore no-import-prefix -- sidecars run with --no-config: no import map there
import "npm:reflect-metadata@0.2.2";

export * as x509 from "npm:@peculiar/x509@2.2.0";

export const X509_SPECIFIER = "npm:@peculiar/x509@2.2.0";
export const REFLECT_METADATA_SPECIFIER = "npm:reflect-metadata@0.2.2";
