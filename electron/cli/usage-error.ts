/** A mistake in how the command was called: exit code 2 and a hint, never a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
