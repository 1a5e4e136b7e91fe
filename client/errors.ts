/** Wrong flags or arguments on the command line; exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** One line for the terminal: the message of the error and of its causes, no stack. */
export function formatError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  while (current instanceof Error && parts.length < 4) {
    if (current.message && !parts.includes(current.message)) parts.push(current.message);
    current = current.cause;
  }
  return parts.length > 0 ? parts.join(': ') : String(err);
}
