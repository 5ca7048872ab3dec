import { invalidParameter } from '../../wire/json-target';

/** ListUsers and ListUserPools pagination tokens are opaque: a base64 offset, refused when tampered with. */
export function encodePaginationToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

export function decodePaginationToken(token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const offset: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8')).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw invalidParameter('Invalid pagination token');
}
