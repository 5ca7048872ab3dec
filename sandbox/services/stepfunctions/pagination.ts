import { SfnErrors } from './api-errors';

/** List operations: `maxResults` 0 or absent means the default page of 100; at most 1000. */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

/**
 * Pages a list the way Step Functions' list operations do: an opaque `nextToken` that only
 * the same listing (same `scope`, e.g. the execution ARN) accepts; anything else → InvalidToken.
 */
export function paginate<T>(items: readonly T[], scope: string, maxResults: number | undefined, nextToken: string | undefined) {
  if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > MAX_PAGE)) {
    throw SfnErrors.validation(`1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and ${MAX_PAGE}`);
  }
  const size = maxResults && maxResults > 0 ? maxResults : DEFAULT_PAGE;
  const offset = nextToken === undefined ? 0 : decode(nextToken, scope);
  const page = items.slice(offset, offset + size);
  const next = offset + size < items.length ? encode(scope, offset + size) : undefined;
  return { page, ...(next ? { nextToken: next } : {}) };
}

function encode(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ scope, offset })).toString('base64url');
}

function decode(token: string, scope: string): number {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && 'scope' in value && 'offset' in value) {
      if (value.scope === scope && typeof value.offset === 'number' && Number.isInteger(value.offset) && value.offset >= 0) return value.offset;
    }
  } catch {
    // not a token this service issued
  }
  throw SfnErrors.invalidToken();
}
