/**
 * Runs `task` over `items` with at most `limit` in flight and returns the settled results in
 * input order. A failing item does not stop the others: a benchmark counts failures, it does not
 * abandon a phase half-way and leave work running behind the report.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    // Each worker takes the next index until none is left: bounded by items.length.
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await task(items[index] as T, index) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Rejects after `ms` unless `promise` settles first; the timer never keeps the process alive. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function fulfilled<R>(results: readonly PromiseSettledResult<R>[]): R[] {
  return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}

export function rejected(results: readonly PromiseSettledResult<unknown>[]): unknown[] {
  return results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
}

/** The first few distinct failure messages, for a report line that says what went wrong. */
export function failureSummary(reasons: readonly unknown[], max = 3): string[] {
  const messages = new Map<string, number>();
  for (const reason of reasons) {
    // Group failures that differ only by the user: ARNs and uuids name the user, not the cause.
    const message = (reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason))
      .replace(/arn:aws:[^\s'"]+/g, '<arn>')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>');
    messages.set(message, (messages.get(message) ?? 0) + 1);
  }
  return [...messages].slice(0, max).map(([message, count]) => `${count}× ${message.slice(0, 200)}`);
}
