import assert from "node:assert/strict";
import {
  jsonUnescape,
  JsonUnescaper,
  percentDecode,
  PercentDecoder,
  type TextDecoderStream,
  ThenPercentDecoded,
} from "./decoders.ts";
import { Rng } from "./testing/random.ts";

function streamed(
  decoder: TextDecoderStream,
  text: string,
  r: Rng,
): { text: string; consumed: number } {
  let out = "";
  let consumed = 0;
  for (let i = 0; i < text.length;) {
    const n = 1 + r.int(8);
    const d = decoder.push(text.slice(i, i + n));
    out += d.text;
    consumed += d.consumed;
    i += n;
  }
  const d = decoder.flush();
  return { text: out + d.text, consumed: consumed + d.consumed };
}

Deno.test("percentDecode: bytes, %u, malformed escapes and + as space", () => {
  assert.equal(percentDecode("a%41%e9%zz%u0042%"), "aA\xe9%zzB%");
  assert.equal(percentDecode("a+b%2B", true), "a b+");
  assert.equal(percentDecode("a+b"), "a+b");
});

Deno.test("jsonUnescape: \\u (UTF-8, surrogates, nested), \\/ ; other escapes kept", () => {
  assert.equal(jsonUnescape("\\u0041\\/x"), "A/x");
  assert.equal(jsonUnescape("\\u00e9"), "\xc3\xa9");
  assert.equal(jsonUnescape("\\ud83d\\ude00"), "\xf0\x9f\x98\x80");
  assert.equal(jsonUnescape("\\\\u0041 \\\\\\/"), "A /");
  assert.equal(jsonUnescape('\\n \\" \\\\n'), '\\n \\" \\\\n');
});

Deno.test("stream decoders: any chunking decodes like the whole text and consumes all", () => {
  const r = new Rng(4);
  const texts = [
    "%41%42%4 3%u0041%%25%2" + "x%4",
    "a\\u0041\\/\\\\u0042\\ud83d\\ude00\\n\\\\\\u0043\\u12",
    "mixed %5Cu0041 \\u0025\\u0034\\u0031 %41",
  ];
  for (const text of texts) {
    for (let round = 0; round < 50; round++) {
      const pct = streamed(new PercentDecoder(), text, r);
      assert.equal(pct.text, percentDecode(text));
      assert.equal(pct.consumed, text.length);
      const json = streamed(new JsonUnescaper(), text, r);
      assert.equal(json.text, jsonUnescape(text));
      assert.equal(json.consumed, text.length);
      const json2 = new JsonUnescaper();
      const then = new ThenPercentDecoded();
      let both = "";
      for (let i = 0; i < text.length;) {
        const n = 1 + r.int(8);
        both += then.take(json2.push(text.slice(i, i + n)), false).text;
        i += n;
      }
      both += then.take(json2.flush(), true).text;
      assert.equal(both, percentDecode(jsonUnescape(text)));
    }
  }
});
