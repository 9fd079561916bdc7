/**
 * Well-known public values shaped like secrets: documentation examples, published test and
 * emulator keys, and masked examples (`T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX`). A
 * rule's match is dropped when its secret value is one of them. The whole value is
 * compared, so a real key with an example appended to it still counts.
 */

const DOCUMENTED: ReadonlySet<string> = new Set([
  // AWS documentation.
  "AKIAIOSFODNN7EXAMPLE",
  "AKIAI44QH8DHBEXAMPLE",
  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
  // jwt.io's default token.
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0" +
  "IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
  // Stripe documentation (test mode).
  "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
  "pk_test_TYooMQauvdEDq54NiTphI7jx",
  "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
  "pk_test_6pRNASCoBOKtIshFeQd4XMUh",
  // GitHub documentation (no valid checksum, but assigned to token keys).
  "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
  "gho_16C7e42F292c6912E7710c838347Ae178B4a",
  "ghu_16C7e42F292c6912E7710c838347Ae178B4a",
  "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
  "ghr_16C7e42F292c6912E7710c838347Ae178B4a",
  // Azurite / Azure Storage Emulator account key.
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
  // Google reCAPTCHA test keys.
  "6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI",
  "6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe",
]);

/** Runs of a masking character: `XXXX`, `xxxx`, `****`, `0000`, `....`. */
const MASK_RUN = /([xX*0.#])\1{3,}/g;

/**
 * Mostly mask: runs of a masking character make up at least 16 characters and twice as many
 * as the letters and digits left around them (a prefix, a `T`/`B` segment marker).
 */
function masked(value: string): boolean {
  let maskedChars = 0;
  const rest = value.replace(MASK_RUN, (run) => {
    maskedChars += run.length;
    return "";
  });
  const kept = rest.replace(/[^A-Za-z0-9]/g, "").length;
  return maskedChars >= 16 && maskedChars >= 2 * kept;
}

/** True when `value` (a rule's whole secret value) is a public example, not a credential. */
export function isPublicExample(value: string): boolean {
  return DOCUMENTED.has(value) || masked(value);
}
