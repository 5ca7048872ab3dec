import type { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import type { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { classifyAwsError } from '../../shared/aws/classify';
import { errorName } from '../../shared/aws/error-name';
import {
  credentialsForIdentity,
  resolveDeveloperIdentity,
  type IdentityCredentials,
  type IdentityPoolRef,
} from '../../shared/identity/developer-identity';
import { UserNotTrustedError, type TrustCache, type TrustedUser } from '../../shared/trust/user-trust';
import { ApiError } from './api-errors';
import { BoundedMap } from '../../shared/bounded-map';

/** What the API holds for one user: their identity, its OpenID token and an IoT client signed as them. */
export interface UserAccess {
  readonly identityId: string;
  readonly token: string;
  readonly tokenExpiresAt: number;
  readonly credentialsExpireAt: number;
  readonly iotData: Pick<IoTDataPlaneClient, 'send'>;
}

export interface AccessCacheDeps {
  /** The trust rules (functions/shared/trust/user-trust.ts), re-validated at most every few minutes. */
  readonly trust: Pick<TrustCache, 'verify' | 'forget'>;
  readonly cognitoIdentity: Pick<CognitoIdentityClient, 'send'>;
  /** Builds an IoT data-plane client that signs with the given identity credentials. */
  readonly iotDataFor: (credentials: IdentityCredentials) => Pick<IoTDataPlaneClient, 'send'>;
  readonly now: () => number;
  readonly pool: IdentityPoolRef;
  /** Entries are refreshed this long before their credentials or token expire. Default 5 min. */
  readonly refreshMarginMs?: number;
  /** Most users held at once; the oldest is dropped first. Default 10,000. */
  readonly maxEntries?: number;
}

/** A trusted user who has no IoT identity yet: the API ensures their onboarding (409). */
/** Seconds a client waits before retrying after 409 NotOnboarded: an onboarding takes a few seconds. */
export const NOT_ONBOARDED_RETRY_AFTER_SECONDS = 5;

export class NotOnboardedError extends ApiError {
  constructor(readonly user: TrustedUser) {
    super('NotOnboarded', 'This user is not onboarded to AWS IoT yet; onboarding has been started, retry after the indicated delay', {
      retryAfterSeconds: NOT_ONBOARDED_RETRY_AFTER_SECONDS,
    });
  }
}

/** OpenID token lifetime we ask for; credentials from it last up to 1 h anyway. */
const TOKEN_DURATION_SECONDS = 3_600;

/**
 * Per-user access. Every request first passes the trust rules (cached per `sub` for the
 * re-validation window); the identity credentials are then cached until shortly before expiry.
 * A miss costs GetOpenIdTokenForDeveloperIdentity (keyed by `sub` alone, never with an
 * IdentityId, which would link the login to that identity) and GetCredentialsForIdentity; a hit
 * costs nothing. Concurrent misses for one user share one fetch.
 */
export class UserAccessCache {
  private readonly entries: BoundedMap<string, Promise<UserAccess>>;
  private hitCount = 0;
  private missCount = 0;

  constructor(private readonly deps: AccessCacheDeps) {
    this.entries = new BoundedMap(deps.maxEntries ?? 10_000);
  }

  get stats() {
    return { hits: this.hitCount, misses: this.missCount, size: this.entries.size };
  }

  async get(sub: string, username: string): Promise<UserAccess> {
    const user = await this.deps.trust.verify({ sub, username }).catch(rethrowAsApiError);
    if (!user.identityId || !user.onboardedVersion || user.onboardedVersion.startsWith('off-')) {
      // Onboarding finishes within seconds: the retry must see the attributes it records.
      this.deps.trust.forget(sub);
      throw new NotOnboardedError(user);
    }
    const cached = this.entries.get(sub);
    if (cached) {
      const access = await cached.catch(() => undefined);
      if (access && access.identityId === user.identityId && this.fresh(access)) {
        this.hitCount++;
        return access;
      }
      if (this.entries.get(sub) === cached) this.entries.delete(sub);
    }
    this.missCount++;
    const pending = this.fetch(sub, user.identityId);
    this.entries.set(sub, pending);
    pending.catch(() => {
      if (this.entries.get(sub) === pending) this.entries.delete(sub);
    });
    return pending;
  }

  private fresh(access: UserAccess): boolean {
    const deadline = this.deps.now() + (this.deps.refreshMarginMs ?? 5 * 60_000);
    return access.credentialsExpireAt > deadline && access.tokenExpiresAt > deadline;
  }

  private async fetch(sub: string, recordedIdentityId: string): Promise<UserAccess> {
    const issuedAt = this.deps.now();
    const identity = await resolveDeveloperIdentity(this.deps.cognitoIdentity, this.deps.pool, sub, {
      tokenDurationSeconds: TOKEN_DURATION_SECONDS,
    }).catch(rethrowAsApiError);
    if (identity.identityId !== recordedIdentityId) {
      // The user's record and the identity pool disagree (an identity removed by offboarding, or
      // an attribute written by hand). Serving either would be a guess; an operator re-onboards.
      throw new ApiError('Unauthenticated', 'This user\'s IoT identity does not match their record; ask an operator to re-onboard the user', {
        cause: new Error(`identity of sub ${sub} is ${identity.identityId}, custom:identity_id is ${recordedIdentityId}`),
      });
    }
    const credentials = await credentialsForIdentity(this.deps.cognitoIdentity, identity).catch(rethrowAsApiError);
    return {
      identityId: identity.identityId,
      token: identity.token,
      tokenExpiresAt: issuedAt + TOKEN_DURATION_SECONDS * 1000,
      credentialsExpireAt: credentials.expiration.getTime(),
      iotData: this.deps.iotDataFor(credentials),
    };
  }
}

function rethrowAsApiError(error: unknown): never {
  if (error instanceof ApiError) throw error;
  if (error instanceof UserNotTrustedError) throw new ApiError('Unauthenticated', error.message, { cause: error });
  const cause = (error as { cause?: unknown }).cause ?? error;
  if (classifyAwsError(cause) === 'throttled' || errorName(error) === 'UpstreamThrottled') {
    throw new ApiError('Throttled', 'AWS is throttling identity requests; retry with backoff', { cause: error });
  }
  throw new ApiError('UpstreamFailure', 'An AWS dependency failed; retry later', { cause: error });
}
