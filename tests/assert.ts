import assert from "node:assert/strict";

export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  assert.deepStrictEqual(actual, expected, message);
}

export function assertMatch(actual: string, pattern: RegExp, message?: string): void {
  assert.match(actual, pattern, message);
}

export function assert_(condition: unknown, message?: string): asserts condition {
  assert.ok(condition, message);
}

export async function assertRejects(fn: () => Promise<unknown>, pattern?: RegExp): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    if (pattern) assert.match((error as Error).message, pattern);
    return error as Error;
  }
  throw new assert.AssertionError({ message: "expected a rejection" });
}

export function assertThrows(fn: () => unknown, pattern?: RegExp): Error {
  try {
    fn();
  } catch (error) {
    if (pattern) assert.match((error as Error).message, pattern);
    return error as Error;
  }
  throw new assert.AssertionError({ message: "expected a throw" });
}
