import {
  UpstreamRejectedError,
  UpstreamThrottledError,
  UpstreamUnavailableError,
} from './errors';

export type AwsErrorKind = 'throttled' | 'unavailable' | 'denied' | 'notFound' | 'conflict' | 'invalid';

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'Throttling',
  'RequestLimitExceeded',
  'LimitExceededException',
]);
const DENIED_NAMES = new Set([
  'ForbiddenException',
  'AccessDeniedException',
  'UnauthorizedException',
  'NotAuthorizedException',
]);
const NOT_FOUND_NAMES = new Set(['ResourceNotFoundException', 'UserNotFoundException', 'ExecutionDoesNotExist']);
const TRANSPORT_NAMES = new Set(['TimeoutError', 'AbortError', 'RequestTimeout', 'ECONNREFUSED', 'ECONNRESET']);

/** Sorts an AWS SDK v3 error (or a transport failure) into what the caller should do about it. */
export function classifyAwsError(error: unknown): AwsErrorKind {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape & { code?: unknown };
  const name = typeof e.name === 'string' ? e.name : '';
  const status = e.$metadata?.httpStatusCode;
  if (THROTTLING_NAMES.has(name) || e.$retryable?.throttling === true || status === 429) return 'throttled';
  if (DENIED_NAMES.has(name) || status === 403 || status === 401) return 'denied';
  if (NOT_FOUND_NAMES.has(name) || status === 404) return 'notFound';
  if (status === 409 || name === 'ConflictException' || name === 'VersionConflictException') return 'conflict';
  if (TRANSPORT_NAMES.has(name) || (typeof e.code === 'string' && TRANSPORT_NAMES.has(e.code))) return 'unavailable';
  if (status === undefined || status >= 500) return 'unavailable';
  return 'invalid';
}

/**
 * Rethrows an AWS failure as one of our named errors so Step Functions can retry on a stable
 * name, and so no raw SDK error crosses a boundary. The original stays as `cause` for the log.
 */
export function toUpstreamError(operation: string, error: unknown): Error {
  const kind = classifyAwsError(error);
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const message = `${operation} failed (${kind}): ${detail}`;
  if (kind === 'throttled') return new UpstreamThrottledError(message, { cause: error });
  if (kind === 'unavailable') return new UpstreamUnavailableError(message, { cause: error });
  return new UpstreamRejectedError(message, { cause: error });
}
