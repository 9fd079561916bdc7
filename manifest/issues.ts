import type { z } from "zod";
import type { IssueParams } from "./schema_parts.ts";
import { didYouMean } from "./suggest.ts";

/** A validation problem, ready to be placed in a file. */
export interface DescribedIssue {
  path: PropertyKey[];
  target: "value" | "key";
  message: string;
  hint: string;
}

type Issue = z.core.$ZodIssue;

const FALLBACK_HINT = "compare with examples/bottles/dev.md and examples/agents/reviewer.md";

/** Turn zod issues into messages; `input` is the parsed YAML, `root` names the document. */
export function describeIssues(
  issues: readonly Issue[],
  input: unknown,
  root: string,
): DescribedIssue[] {
  return issues.flatMap((issue) => describe(issue, input, root));
}

function describe(issue: Issue, input: unknown, root: string): DescribedIssue[] {
  const path = [...issue.path];
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => unknownKey(path, key, issue.message, root));
    case "invalid_key":
      return [{ ...nested(issue.issues[0], issue.message), path, target: "key" }];
    case "custom": {
      const params = issue.params as IssueParams | undefined;
      const target = params?.at ?? "value";
      return [{ path, target, message: issue.message, hint: params?.hint ?? FALLBACK_HINT }];
    }
    case "invalid_type":
    case "invalid_value":
      if (!hasPath(input, path)) return [missingKey(path, issue, root)];
      return [issue.code === "invalid_type" ? wrongType(path, issue) : wrongValue(path, issue)];
    case "too_small":
      return [{
        path,
        target: "value",
        message: `${name(path)} must not be empty`,
        hint: "give it a value, or remove the key",
      }];
    default:
      return [{
        path,
        target: "value",
        message: `${name(path)}: ${issue.message}`,
        hint: FALLBACK_HINT,
      }];
  }
}

/** The schema's message for unknown keys is `valid keys: \`a\`, \`b\``. */
function unknownKey(path: PropertyKey[], key: string, valid: string, root: string): DescribedIssue {
  const candidates = [...valid.matchAll(/`([^`]+)`/g)].map((match) => match[1]);
  return {
    path: [...path, key],
    target: "key",
    message: `unknown key \`${key}\` in ${where(path, root)}${didYouMean(key, candidates)}`,
    hint: valid,
  };
}

function nested(
  issue: Issue | undefined,
  fallback: string,
): Omit<DescribedIssue, "path" | "target"> {
  if (issue?.code === "custom") {
    const params = issue.params as IssueParams | undefined;
    return { message: issue.message, hint: params?.hint ?? FALLBACK_HINT };
  }
  return { message: issue?.message ?? fallback, hint: FALLBACK_HINT };
}

function missingKey(path: PropertyKey[], issue: Issue, root: string): DescribedIssue {
  const key = String(path.at(-1));
  const values = issue.code === "invalid_value" ? issue.values.map(String) : [];
  return {
    path,
    target: "value",
    message: `missing required key \`${key}\` in ${where(path.slice(0, -1), root)}`,
    hint: values.length > 0
      ? `add \`${key}: ${values[0]}\` (one of: ${values.join(", ")})`
      : `add \`${key}: …\``,
  };
}

function wrongType(path: PropertyKey[], issue: z.core.$ZodIssueInvalidType): DescribedIssue {
  const input = issue.input;
  const base = { path, target: "value" as const };
  if (input === null) {
    return {
      ...base,
      message: `${name(path)} is empty`,
      hint: "give it a value, or remove the key",
    };
  }
  return {
    ...base,
    message: `${name(path)} must be ${expected(issue.expected)}, not ${kindOf(input)}`,
    hint: typeHint(path, issue.expected, input),
  };
}

function wrongValue(path: PropertyKey[], issue: z.core.$ZodIssueInvalidValue): DescribedIssue {
  const values = issue.values.map(String);
  const written = typeof issue.input === "string"
    ? `\`${shortened(issue.input)}\``
    : kindOf(issue.input);
  const suggestion = typeof issue.input === "string" ? didYouMean(issue.input, values) : "";
  return {
    path,
    target: "value",
    message: `${name(path)} must be one of ${values.map((v) => `\`${v}\``).join(", ")}, ` +
      `not ${written}${suggestion}`,
    hint: `write one of: ${values.join(", ")}`,
  };
}

function typeHint(path: PropertyKey[], want: string, input: unknown): string {
  const key = path.at(-1);
  const label = typeof key === "string" ? `${key}: ` : "- ";
  if (want === "string" && (typeof input === "number" || typeof input === "boolean")) {
    return `quote it: \`${label}"${String(input)}"\``;
  }
  if (want === "string") return `write one string value, e.g. \`${label}something\``;
  if (want === "boolean" && typeof input === "string") {
    return "write `true` or `false`, without quotes";
  }
  if (want === "array") {
    return `write a list, e.g. \`${label}[first, second]\` or one \`- item\` per line`;
  }
  if (want === "object" || want === "record") {
    return `write a mapping: indented \`key: value\` lines under \`${label.trim()}\``;
  }
  return `write ${expected(want)}`;
}

function expected(want: string): string {
  switch (want) {
    case "object":
    case "record":
      return "a mapping";
    case "array":
      return "a list";
    case "boolean":
      return "true or false";
    default:
      return `a ${want}`;
  }
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "empty";
  if (typeof value === "object") return "a mapping";
  return `a ${typeof value}`;
}

function where(path: PropertyKey[], root: string): string {
  return path.length === 0 ? root : name(path);
}

/** `egress.routes[0].host`, quoting keys such as `github.com`. */
export function name(path: readonly PropertyKey[]): string {
  const text = path.map((segment, index) => {
    if (typeof segment === "number") return `[${segment}]`;
    const key = String(segment);
    if (!/^[A-Za-z0-9_-]+$/.test(key)) return `["${key}"]`;
    return index === 0 ? key : `.${key}`;
  }).join("");
  return `\`${text}\``;
}

function hasPath(input: unknown, path: readonly PropertyKey[]): boolean {
  let node = input;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return false;
    if (!Object.hasOwn(node, segment)) return false;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return true;
}

/** A value as quoted in a message: long ones are cut (the location points at the rest). */
function shortened(value: string): string {
  return value.length <= 64 ? value : `${value.slice(0, 60)}…`;
}
