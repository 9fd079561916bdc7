/**
 * Reads the JUnit XML that `deno test --junit-path=FILE` writes. Only what deno writes is
 * read: `<testsuite name=…>` elements holding `<testcase name=… line=… col=…>` elements whose
 * one child, if any, is `<failure>`, `<error>` (a cancelled test) or `<skipped/>`. Text and
 * attribute values are escaped by deno, so a `<` in the document always opens a tag.
 *
 * A test's steps are test cases of their own, named `test > step` (nested `a > b > c`), listed
 * after the tests of the file that calls `t.step`; `step` says which they are (a top-level test
 * named `a > b` beside a test `a` would pass for a step: none is named so).
 */

export type CaseStatus = "passed" | "failed" | "skipped";

export interface JunitCase {
  /** The test file, as deno names it (e.g. `./lib/json_test.ts`). */
  file: string;
  name: string;
  status: CaseStatus;
  /** A step of another test case in the same file (`parent > step`). */
  step: boolean;
  /** The failure's message, for a failed case. */
  message?: string;
}

/** Every test case in the report, in document order. */
export function parseJunit(xml: string): JunitCase[] {
  const cases: JunitCase[] = [];
  let suite = "";
  let current: JunitCase | null = null;
  for (const tag of xml.matchAll(/<(\/?)([A-Za-z]+)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/g)) {
    const [, closing, element, rawAttributes, selfClosing] = tag;
    const attributes = attributesOf(rawAttributes);
    if (closing) {
      if (element === "testcase") current = null;
      continue;
    }
    if (element === "testsuite") suite = attributes.name ?? "";
    else if (element === "testcase") {
      current = { file: suite, name: attributes.name ?? "", status: "passed", step: false };
      cases.push(current);
      if (selfClosing) current = null;
    } else if (current && (element === "failure" || element === "error")) {
      current.status = "failed";
      current.message = attributes.message ?? element;
    } else if (current && element === "skipped") current.status = "skipped";
  }
  markSteps(cases);
  return cases;
}

/**
 * A case is a step when another case is its parent: `parent > …`. Not necessarily in the same
 * file: a step is filed under the file that calls `t.step`, which may be a helper module.
 */
function markSteps(cases: JunitCase[]): void {
  const names = new Set(cases.map((testCase) => testCase.name));
  for (const testCase of cases) {
    const parts = testCase.name.split(" > ");
    for (let i = 1; i < parts.length && !testCase.step; i++) {
      testCase.step = names.has(parts.slice(0, i).join(" > "));
    }
  }
}

function attributesOf(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, key, value] of raw.matchAll(/([\w:-]+)="([^"]*)"/g)) out[key] = unescapeXml(value);
  return out;
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

/** The five named entities and numeric character references. */
export function unescapeXml(text: string): string {
  return text.replaceAll(/&(#x[0-9A-Fa-f]+|#[0-9]+|[a-z]+);/g, (whole, ref: string): string => {
    if (ref.startsWith("#x")) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}
