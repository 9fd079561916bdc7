/**
 * TLS interception material the proxy uses: the per-host leaf minter. The bottle CA
 * generator (ca.ts, on the X.509 library) runs in the engine and is imported by file, so the
 * proxy's module graph never reaches that library.
 */

export { type LeafCertificate, LeafMinter, type LeafMinterOptions } from "./leaf.ts";
