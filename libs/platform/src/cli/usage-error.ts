/** A bad command line: printed as one line and answered with exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
