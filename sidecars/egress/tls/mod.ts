/** TLS interception material: the bottle CA generator and the per-host leaf minter. */

export { caCommonName, generateCa, type GeneratedCa } from "./ca.ts";
export { type LeafCertificate, LeafMinter, type LeafMinterOptions } from "./leaf.ts";
