/**
 * ECDSA P-256 keys and PEM armour shared by the CA and leaf generators. WebCrypto only:
 * the daemon checks the CA key with this at start without loading the X.509 library.
 */

export const EC_KEY: EcKeyGenParams & EcKeyImportParams = { name: "ECDSA", namedCurve: "P-256" };
export const EC_SIGNING: EcKeyGenParams & EcdsaParams = {
  name: "ECDSA",
  namedCurve: "P-256",
  hash: "SHA-256",
};

export function generateKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(EC_KEY, true, ["sign", "verify"]);
}

export async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", key));
  return pemEncode("PRIVATE KEY", der);
}

/** Imports a PKCS#8 ECDSA P-256 private key (what generateCa writes) for signing. */
export async function importSigningKey(pem: string): Promise<CryptoKey> {
  const der = pemDecode(pem, "PRIVATE KEY");
  try {
    return await crypto.subtle.importKey("pkcs8", der, EC_KEY, false, ["sign"]);
  } catch (error) {
    throw new Error(`the CA key is not an ECDSA P-256 PKCS#8 key: ${(error as Error).message}`);
  }
}

export function pemEncode(label: string, der: Uint8Array): string {
  let base64 = "";
  const text = btoa(String.fromCharCode(...der));
  for (let i = 0; i < text.length; i += 64) base64 += `${text.slice(i, i + 64)}\n`;
  return `-----BEGIN ${label}-----\n${base64}-----END ${label}-----\n`;
}

export function pemDecode(pem: string, label: string): Uint8Array<ArrayBuffer> {
  const match = new RegExp(`-----BEGIN ${label}-----([^-]*)-----END ${label}-----`).exec(pem);
  if (match === null) throw new Error(`no PEM block "${label}" found`);
  const binary = atob(match[1].replace(/\s+/g, ""));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** 16 random bytes, top bit clear: a positive serial number that needs no sign byte. */
export function randomSerial(): Uint8Array<ArrayBuffer> {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f;
  if (bytes[0] === 0) bytes[0] = 1;
  return bytes;
}

/** randomSerial() in hex. */
export function randomSerialHex(): string {
  return Array.from(randomSerial(), (b) => b.toString(16).padStart(2, "0")).join("");
}
