/**
 * Leaf certificates for intercepted hosts, minted on demand from the bottle's CA and kept
 * in a bounded LRU. One key pair (generated at start, never written anywhere) serves every
 * leaf, so minting is one signature.
 */

import {
  EC_SIGNING,
  generateKeyPair,
  importSigningKey,
  privateKeyPem,
  randomSerialHex,
} from "./keys.ts";
import { Lru } from "./lru.ts";
import { literalName } from "./names.ts";
import { x509 } from "./x509.ts";

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
    private readonly ca: x509.X509Certificate,
    private readonly caKey: CryptoKey,
    private readonly keys: CryptoKeyPair,
    private readonly keyPem: string,
    private readonly authorityKeyId: x509.AuthorityKeyIdentifierExtension,
    options: LeafMinterOptions,
  ) {
    this.cache = new Lru(options.capacity ?? 1000);
    this.validityMs = options.validityMs ?? DEFAULT_VALIDITY_MS;
    this.now = options.now ?? Date.now;
  }

  /** `caCertPem`/`caKeyPem` as written by generateCa. */
  static async create(
    caCertPem: string,
    caKeyPem: string,
    options: LeafMinterOptions = {},
  ): Promise<LeafMinter> {
    const ca = new x509.X509Certificate(caCertPem);
    const caKey = await importSigningKey(caKeyPem);
    const keys = await generateKeyPair();
    const authorityKeyId = await x509.AuthorityKeyIdentifierExtension.create(
      await ca.publicKey.export(),
    );
    return new LeafMinter(
      ca,
      caKey,
      keys,
      await privateKeyPem(keys.privateKey),
      authorityKeyId,
      options,
    );
  }

  get caCertificate(): x509.X509Certificate {
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
    const now = this.now();
    const notAfter = new Date(Math.min(now + this.validityMs, this.ca.notAfter.getTime()));
    const name = subjectAltName(host);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerialHex(),
      subject: literalName([["CN", host.replace(/^\[(.*)\]$/, "$1")]]),
      issuer: this.ca.subjectName,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter,
      publicKey: this.keys.publicKey,
      signingKey: this.caKey,
      signingAlgorithm: EC_SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([name]),
        this.authorityKeyId,
      ],
    });
    return { host, certPem: cert.toString("pem") + "\n", keyPem: this.keyPem, notAfter };
  }
}

function subjectAltName(host: string): x509.JsonGeneralName {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  const isIp = bare.includes(":") || /^\d{1,3}(\.\d{1,3}){3}$/.test(bare);
  return isIp ? { type: "ip", value: bare } : { type: "dns", value: bare };
}
