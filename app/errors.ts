/** An error meant for the operator: a message and a hint, printed without a stack. */
export class UserError extends Error {
  override name = "UserError";
  constructor(message: string, readonly hint?: string, readonly exitCode = 1) {
    super(message);
  }
}
