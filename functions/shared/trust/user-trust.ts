import { AdminGetUserCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { classifyAwsError, toUpstreamError } from '../aws/classify';
import { IDENTITY_ID_ATTRIBUTE, ONBOARDED_ATTRIBUTE } from '../workflows/onboarding';
import { BoundedMap } from '../bounded-map';

/**
 * Trust rules (design section 9), shared by the command API and the custom authorizer: a token's
 * holder is served only while their user exists, is enabled and confirmed, and the user-pool
 * `sub` still equals the token's `sub` (a username can be deleted and registered again by
 * someone else: the old token then names a different user).
 */
export const TRUST_DEFAULTS = {
  /**
   * How long a positive or negative decision is reused before AdminGetUser is asked again.
   * The cache is per warm instance and the UserRead quota (CognitoQuotas.userReadRps, 120 RPS by
   * default) per account: a user whose requests reach k instances within a window costs up to k
   * calls per window. 10,000 active users spread over 3 instances: at most 3 × 10,000 / 300 = 100
   * calls per second (docs/client-flow.md, "Trust rules").
   */
  revalidateSeconds: 300,
} as const;

export type DistrustReason = 'user-not-found' | 'user-disabled' | 'user-not-confirmed' | 'sub-mismatch';

/** The token's user is no longer one we serve. The message is safe to show the token's holder. */
export class UserNotTrustedError extends Error {
  override readonly name = 'UserNotTrusted';
  constructor(
    readonly reason: DistrustReason,
    message: string,
  ) {
    super(message);
  }
}

/** What the user pool says about a user that passed the trust rules. */
export interface TrustedUser {
  readonly sub: string;
  readonly username: string;
  /** `custom:identity_id`, absent until onboarding has recorded it. */
  readonly identityId?: string;
  /** `custom:iot_onboarded`, the onboarding version last completed. */
  readonly onboardedVersion?: string;
}

/**
 * AdminGetUser statuses a user with tokens can be in and still be served. CONFIRMED is a local
 * user who signed up and confirmed; EXTERNAL_PROVIDER a federated one
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminGetUser.html).
 */
const SERVED_STATUSES = new Set(['CONFIRMED', 'EXTERNAL_PROVIDER']);

/** Asks the user pool whether the token's user is still one we serve; throws UserNotTrustedError if not. */
export async function checkUser(
  cognitoIdp: Pick<CognitoIdentityProviderClient, 'send'>,
  userPoolId: string,
  token: { readonly username: string; readonly sub: string },
  abortSignal?: AbortSignal,
): Promise<TrustedUser> {
  let user;
  try {
    user = await cognitoIdp.send(
      new AdminGetUserCommand({ UserPoolId: userPoolId, Username: token.username }),
      abortSignal ? { abortSignal } : {},
    );
  } catch (error) {
    if (classifyAwsError(error) === 'notFound') {
      throw new UserNotTrustedError('user-not-found', 'The user this token was issued to no longer exists');
    }
    throw toUpstreamError('AdminGetUser', error);
  }
  const attributes = new Map((user.UserAttributes ?? []).map((a) => [a.Name ?? '', a.Value ?? '']));
  // Checked before anything else is read: a token of a deleted user whose username was taken
  // again must not learn anything about the new user.
  if (attributes.get('sub') !== token.sub) {
    throw new UserNotTrustedError('sub-mismatch', 'The user this token was issued to no longer exists');
  }
  if (user.Enabled === false) throw new UserNotTrustedError('user-disabled', 'This user is disabled');
  if (!SERVED_STATUSES.has(user.UserStatus ?? '')) {
    throw new UserNotTrustedError('user-not-confirmed', `This user is not confirmed (status ${user.UserStatus ?? 'unknown'})`);
  }
  const identityId = attributes.get(IDENTITY_ID_ATTRIBUTE) || undefined;
  const onboardedVersion = attributes.get(ONBOARDED_ATTRIBUTE) || undefined;
  return { sub: token.sub, username: token.username, ...(identityId ? { identityId } : {}), ...(onboardedVersion ? { onboardedVersion } : {}) };
}

export interface TrustCacheOptions {
  readonly check: (token: { username: string; sub: string }) => Promise<TrustedUser>;
  readonly now: () => number;
  /** Seconds a decision is reused. Default {@link TRUST_DEFAULTS.revalidateSeconds}. */
  readonly revalidateSeconds?: number;
  /** Most users remembered; the oldest is dropped first. Default 10,000. */
  readonly maxEntries?: number;
}

interface Decision {
  readonly at: number;
  readonly result: Promise<TrustedUser>;
  /** Still being asked: its answer is no older than the call that waits for it. */
  pending: boolean;
}

/**
 * Remembers trust decisions per `sub` for at most `revalidateSeconds`: refusals too (a deleted
 * user's `sub` never comes back, and a replayed stale token must not cost an AdminGetUser per
 * request). Transient failures (throttling, outages) are not remembered. Concurrent requests of
 * one user share one AdminGetUser.
 */
export class TrustCache {
  private readonly decisions: BoundedMap<string, Decision>;
  private readonly revalidateMs: number;
  private checks = 0;

  constructor(private readonly options: TrustCacheOptions) {
    this.decisions = new BoundedMap(options.maxEntries ?? 10_000);
    this.revalidateMs = (options.revalidateSeconds ?? TRUST_DEFAULTS.revalidateSeconds) * 1000;
  }

  /** AdminGetUser calls made so far (the benchmark reports them per API call). */
  get checkCount(): number {
    return this.checks;
  }

  /**
   * The user's decision, asked again once it is `maxAgeSeconds` old (default: the cache's
   * re-validation window). A caller with a shorter promise to keep (the custom authorizer, whose
   * sessions run `refreshAfterInSeconds` on each decision) passes what is left of its window.
   */
  verify(token: { username: string; sub: string }, maxAgeSeconds?: number): Promise<TrustedUser> {
    const now = this.options.now();
    const maxAgeMs = maxAgeSeconds === undefined ? this.revalidateMs : Math.min(maxAgeSeconds * 1000, this.revalidateMs);
    const known = this.decisions.get(token.sub);
    if (known && (known.pending || now - known.at < maxAgeMs)) return known.result;
    this.checks++;
    const result = this.options.check(token);
    const decision: Decision = { at: now, result, pending: true };
    this.decisions.delete(token.sub);
    this.decisions.set(token.sub, decision);
    result.then(
      () => {
        decision.pending = false;
      },
      (error: unknown) => {
        decision.pending = false;
        if (!(error instanceof UserNotTrustedError) && this.decisions.get(token.sub) === decision) this.decisions.delete(token.sub);
      },
    );
    return result;
  }

  /** Forgets a user's decision, so the next request asks the user pool again. */
  forget(sub: string): void {
    this.decisions.delete(sub);
  }
}
