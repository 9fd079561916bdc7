import assert from "node:assert/strict";
import { bottleSecretNeedles, secretNeedles } from "./bottle_secrets.ts";
import { type AnchorSpec, Matcher, type MatchTarget } from "./matcher.ts";
import { pivotIndex } from "./pivots.ts";
import { literalAtoms } from "./regex_trie.ts";
import { reversedAnchors } from "./reversed.ts";
import { SECRET_RULES } from "./rules/mod.ts";
import { escapeRegex } from "./rules/rule.ts";
import { ruleAnchors } from "./targets.ts";
import { ALNUM, Rng } from "./testing/random.ts";
import { sample, SAMPLES } from "./testing/samples.ts";

const anchors = ruleAnchors(SECRET_RULES);
const specs: AnchorSpec[] = [...anchors, ...reversedAnchors(anchors)];
const matcher = new Matcher(specs);
const NOISE = "abcdefABCDEF0123456789xyzXYZ_-.:=/@$~+ \"'\\\n{}[]";

/** Texts holding every format, forwards and backwards, in noise. */
function texts(r: Rng): string[] {
  const out: string[] = [];
  for (const id of Object.keys(SAMPLES)) {
    const { text } = sample(id, r);
    out.push(r.chars(NOISE, r.int(12)) + text + r.chars(NOISE, r.int(12)));
    out.push([...text].reverse().join("") + ` ${id.toUpperCase().replaceAll("-", "_")}=${text}`);
  }
  return out;
}

/** Where each distinct anchor's literal, with its context, is: by definition. */
function expectedAnchors(text: string, from: number, to: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const spec of specs) {
    const key = JSON.stringify([spec.literal, spec.caseInsensitive, spec.before, spec.after]);
    if (seen.has(key)) continue;
    seen.add(key);
    const literal = literalAtoms(spec.literal, spec.caseInsensitive, escapeRegex).join("");
    const at = new RegExp(`(?<=${spec.before})${literal}(?=${spec.after})`, "y");
    const pivot = Math.max(0, pivotIndex(spec.literal));
    for (let start = Math.max(0, from - pivot); start + pivot < to; start++) {
      at.lastIndex = start;
      if (at.test(text)) out.push(`${spec.literal}@${start}`);
    }
  }
  return out.sort();
}

Deno.test("prefilter: every anchor is visited exactly where it is, in any window", () => {
  const r = new Rng(3);
  for (const text of texts(r)) {
    const from = r.int(text.length);
    for (const [a, b] of [[0, text.length], [from, from + r.int(text.length - from + 1)]]) {
      const visited: string[] = [];
      matcher.visitAnchors(text, a, b, (anchor, start) => {
        visited.push(`${anchor.literal}@${start}`);
      });
      assert.deepEqual(visited.sort(), expectedAnchors(text, a, b), JSON.stringify(text));
    }
  }
});

Deno.test("prefilter: skipped targets are those whose test fails", () => {
  const r = new Rng(4);
  for (const text of texts(r)) {
    matcher.visitAnchors(text, 0, text.length, (anchor, start) => {
      const passing = (targets: readonly MatchTarget[]): string[] =>
        targets.filter((t) => t.test(text, start)).map((t) => t.id);
      const visited: MatchTarget[] = [];
      anchor.filter.forEach(text, start, (t) => visited.push(t));
      assert.deepEqual(passing(visited), passing(anchor.targets));
      assert.deepEqual(visited, anchor.targets.filter((t) => visited.includes(t)));
    });
  }
});

Deno.test("needles: every occurrence, search by search, as indexOf finds them", () => {
  const r = new Rng(5);
  for (let trial = 0; trial < 200; trial++) {
    const values = Array.from(
      { length: 1 + r.int(4) },
      () => r.chars(ALNUM + "+/-_ ", 8 + r.int(40)),
    );
    const needles = bottleSecretNeedles(values.map((value, i) => ({ id: `s${i}`, value })));
    let text = "";
    for (let i = 0; i < 12; i++) {
      const needle = r.pick(secretNeedles(r.pick(values))).text;
      text += r.chars(ALNUM, r.int(20)) + needle.slice(0, r.int(2) ? needle.length : r.int(9));
    }
    const from = r.int(text.length);
    const to = from + r.int(text.length - from + 1);
    const found: string[] = [];
    new Matcher([], needles).visitNeedles(
      text,
      from,
      to,
      (t, at) => found.push(`${t.title}@${at}`),
    );
    const expected: string[] = [];
    const searches = new Map<string, NeedleSpecGroup>();
    for (const n of needles) {
      const key = `${n.offset}:${n.needle}`;
      const group = searches.get(key) ?? { ...n, targets: [] };
      group.targets.push(n.target);
      searches.set(key, group);
    }
    for (const { needle, offset, targets } of searches.values()) {
      for (
        let i = text.indexOf(needle, from);
        i !== -1 && i < to;
        i = text.indexOf(needle, i + 1)
      ) {
        if (i >= offset) { for (const t of targets) expected.push(`${t.title}@${i - offset}`); }
      }
    }
    assert.deepEqual(found, expected);
  }
});

interface NeedleSpecGroup {
  needle: string;
  offset: number;
  targets: MatchTarget[];
}
