/** Stable error codes of the command API (design section 3). */
export const ApiErrorCodes = {
  InvalidThingName: { status: 400, code: 'InvalidThingName' },
  InvalidCommand: { status: 400, code: 'InvalidCommand' },
  CommandTooLarge: { status: 400, code: 'CommandTooLarge' },
  InvalidClaimRequest: { status: 400, code: 'InvalidClaimRequest' },
  Unauthenticated: { status: 401, code: 'Unauthenticated' },
  PublishDenied: { status: 403, code: 'PublishDenied' },
  InvalidClaimCode: { status: 403, code: 'InvalidClaimCode' },
  RouteNotFound: { status: 404, code: 'RouteNotFound' },
  DeviceNotFound: { status: 404, code: 'DeviceNotFound' },
  NotOnboarded: { status: 409, code: 'NotOnboarded' },
  AlreadyClaimed: { status: 409, code: 'AlreadyClaimed' },
  ClaimContended: { status: 409, code: 'ClaimContended' },
  ClaimRateLimited: { status: 429, code: 'ClaimRateLimited' },
  Throttled: { status: 429, code: 'Throttled' },
  UpstreamFailure: { status: 502, code: 'UpstreamFailure' },
} as const;

export type ApiErrorKind = keyof typeof ApiErrorCodes;

/** A rejection the API answers with; the message is for the caller and never holds an AWS error. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  /** Sent as `Retry-After` (seconds) when set. */
  readonly retryAfterSeconds: number | undefined;
  constructor(kind: ApiErrorKind, message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options);
    this.status = ApiErrorCodes[kind].status;
    this.code = ApiErrorCodes[kind].code;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}
