/** A fetch failure with its cause (`fetch failed: connect ECONNREFUSED …`), for a person to read. */
export function describeError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error instanceof Error ? error.message : String(error)}${cause}`;
}
