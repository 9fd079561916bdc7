/** A state row or plan node whose inputs this version cannot use. */
export class RecordError extends Error {
  override name = "RecordError";
}

/** One problem found in a row's inputs: where (`a.b.0`; "" for the whole) and what. */
export interface InputIssue {
  path: string;
  message: string;
}

/**
 * The RecordError for inputs that do not parse, naming the row and what to do: the first
 * three problems, and how many more.
 */
export function invalidInputsError(
  type: string,
  id: string,
  source: "state" | "plan",
  issues: readonly InputIssue[],
): RecordError {
  const problems = issues.slice(0, 3).map((issue) =>
    issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`
  );
  const more = issues.length > 3 ? `; and ${issues.length - 3} more` : "";
  const what = `${problems.join("; ")}${more}`;
  if (source === "plan") {
    return new RecordError(
      `the planned inputs of ${id} (${type}) are not valid (${what}); make a new plan`,
    );
  }
  return new RecordError(
    `the state row of ${id} (${type}) holds inputs this bot-bottle cannot use (${what}). ` +
      `Forget the row with \`deno task bottle state rm ${id}\`, then \`deno task apply\` makes ` +
      `it anew (state rm leaves what it made in place: remove that by hand if it is in the way)`,
  );
}
