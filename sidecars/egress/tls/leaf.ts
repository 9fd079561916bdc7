/**
 * Leaf certificates for intercepted hosts, minted on demand from the bottle's CA and kept
 * in a bounded LRU. One key pair (generated at start, never written anywhere) serves every
 * leaf, so minting is one signature.
 */

import { type CaCertificate, parseCaCertificate } from "./ca_cert.ts";
import {
  EC_KEY,
  EC_SIGNING,
  generateKeyPair,
  importSigningKey,
  pemEncode,
  privateKeyPem,
  randomSerial,
} from "./keys.ts";
import type { Der } from "./der.ts";
import { leafCertificateDer } from "./leaf_cert.ts";
import { Lru } from "./lru.ts";

export interface LeafCertificate {
  /** Canonical host it was minted for (IPv6 in brackets). */
  host: string;
  certPem: string;
  keyPem: string;
  notAfter: Date;
}

export interface LeafMinterOptions {
  /** Entries kept (default 1000). */
  capacity?: number;
  /** Leaf lifetime (default 30 days); never past the CA's own expiry. */
  validityMs?: number;
  now?: () => number;
}

const HOUR_MS = 60 * 60 * 1000;
const DEFAULT_VALIDITY_MS = 30 * 24 * HOUR_MS;
const BACKDATE_MS = HOUR_MS;

export class LeafMinter {
  private readonly cache: Lru<string, Promise<LeafCertificate>>;
  private readonly validityMs: number;
  private readonly now: () => number;

  private constructor(
    private readonly ca: CaCertificate,
    private readonly caKey: CryptoKey,
    private readonly spki: Der,
    private readonly keyPem: string,
    options: LeafMinterOptions,
  ) {
    this.cache = new Lru(options.capacity ?? 1000);
    this.validityMs = options.validityMs ?? DEFAULT_VALIDITY_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * `caCertPem`/`caKeyPem` as written by generateCa. Rejects a malformed certificate and a
   * key that is not the certificate's (its leaves would fail every client's check).
   */
  static async create(
    caCertPem: string,
    caKeyPem: string,
    options: LeafMinterOptions = {},
  ): Promise<LeafMinter> {
    const ca = await parseCaCertificate(caCertPem);
    const caKey = await importSigningKey(caKeyPem);
    await checkKeyPair(ca, caKey);
    const keys = await generateKeyPair();
    const spki = new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey));
    return new LeafMinter(ca, caKey, spki, await privateKeyPem(keys.privateKey), options);
  }

  /** What was read from the CA certificate. */
  get caCertificate(): CaCertificate {
    return this.ca;
  }

  /** The leaf for `host` (canonical: lower case, IPv6 in brackets), minted if needed. */
  leafFor(host: string): Promise<LeafCertificate> {
    const cached = this.cache.get(host);
    if (cached !== undefined) {
      return cached.then((leaf) => this.fresh(leaf) ? leaf : this.remint(host));
    }
    return this.remint(host);
  }

  private remint(host: string): Promise<LeafCertificate> {
    const minting = this.mint(host);
    this.cache.set(host, minting);
    minting.catch(() => this.cache.delete(host));
    return minting;
  }

  /** Good for at least half its lifetime still. */
  private fresh(leaf: LeafCertificate): boolean {
    return leaf.notAfter.getTime() - this.now() > this.validityMs / 2;
  }

  private async mint(host: string): Promise<LeafCertificate> {
    const now = wholeSeconds(this.now());
    const notAfter = new Date(Math.min(now + this.validityMs, this.ca.notAfter.getTime()));
    const der = await leafCertificateDer({
      serial: randomSerial(),
      host,
      issuer: this.ca.subject,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter,
      spki: this.spki,
      authorityKeyId: this.ca.keyIdentifier,
    }, this.caKey);
    return { host, certPem: pemEncode("CERTIFICATE", der), keyPem: this.keyPem, notAfter };
  }
}

/** Certificates count in whole seconds: `notAfter` is what the certificate says. */
function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** Signs a probe with `caKey` and checks it against the certificate's public key. */
async function checkKeyPair(ca: CaCertificate, caKey: CryptoKey): Promise<void> {
  const publicKey = await crypto.subtle.importKey("spki", ca.spki, EC_KEY, false, ["verify"])
    .catch((error: Error) => {
      throw new Error(`the CA certificate's key is not ECDSA P-256: ${error.message}`);
    });
  const probe = crypto.getRandomValues(new Uint8Array(32));
  const signature = await crypto.subtle.sign(EC_SIGNING, caKey, probe);
  if (!await crypto.subtle.verify(EC_SIGNING, publicKey, signature, probe)) {
    throw new Error("the CA key does not belong to the CA certificate");
  }
}
