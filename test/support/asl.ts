/** Attempts a state makes for an error before it fails: 1 plus its matching retrier's MaxAttempts. */
export function attemptsFor(definition: string, state: string, error: string): number {
  const parsed = JSON.parse(definition) as { States: Record<string, { Retry?: Array<{ ErrorEquals: string[]; MaxAttempts?: number }> }> };
  const retrier = parsed.States[state]?.Retry?.find((r) => r.ErrorEquals.includes(error) || r.ErrorEquals.includes('States.ALL'));
  // ASL: MaxAttempts defaults to 3 when a retrier matches.
  return 1 + (retrier ? (retrier.MaxAttempts ?? 3) : 0);
}
