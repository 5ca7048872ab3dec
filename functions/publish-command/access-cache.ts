import { AdminGetUserCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import type { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { classifyAwsError } from '../shared/aws-errors';
import {
  credentialsForIdentity,
  resolveDeveloperIdentity,
  type IdentityCredentials,
  type IdentityPoolRef,
} from '../shared/identity';
import { IDENTITY_ID_ATTRIBUTE, ONBOARDED_ATTRIBUTE } from '../shared/onboarding';
import { ApiError } from './api-errors';

/** What the API holds for one user: their identity, its OpenID token and an IoT client signed as them. */
export interface UserAccess {
  readonly identityId: string;
  readonly token: string;
  readonly tokenExpiresAt: number;
  readonly credentialsExpireAt: number;
  readonly iotData: Pick<IoTDataPlaneClient, 'send'>;
}

export interface AccessCacheDeps {
  readonly cognitoIdp: Pick<CognitoIdentityProviderClient, 'send'>;
  readonly cognitoIdentity: Pick<CognitoIdentityClient, 'send'>;
  /** Builds an IoT data-plane client that signs with the given identity credentials. */
  readonly iotDataFor: (credentials: IdentityCredentials) => Pick<IoTDataPlaneClient, 'send'>;
  readonly now: () => number;
  readonly userPoolId: string;
  readonly pool: IdentityPoolRef;
  /** Entries are refreshed this long before their credentials or token expire. Default 5 min. */
  readonly refreshMarginMs?: number;
  /** Most users held at once; the oldest is dropped first. Default 10,000. */
  readonly maxEntries?: number;
}

/** OpenID token lifetime we ask for; credentials from it last up to 1 h anyway. */
const TOKEN_DURATION_SECONDS = 3_600;

/**
 * Per-user access, cached until shortly before expiry. A miss costs AdminGetUser (is the user
 * onboarded, and as which identity), GetOpenIdTokenForDeveloperIdentity and
 * GetCredentialsForIdentity; a hit costs nothing. Concurrent misses for one user share one fetch.
 */
export class UserAccessCache {
  private readonly entries = new Map<string, Promise<UserAccess>>();
  private hitCount = 0;
  private missCount = 0;

  constructor(private readonly deps: AccessCacheDeps) {}

  get stats() {
    return { hits: this.hitCount, misses: this.missCount, size: this.entries.size };
  }

  async get(sub: string, username: string): Promise<UserAccess> {
    const cached = this.entries.get(sub);
    if (cached) {
      const access = await cached.catch(() => undefined);
      if (access && this.fresh(access)) {
        this.hitCount++;
        return access;
      }
      if (this.entries.get(sub) === cached) this.entries.delete(sub);
    }
    this.missCount++;
    const pending = this.fetch(sub, username);
    this.entries.set(sub, pending);
    this.evictOverflow();
    pending.catch(() => {
      if (this.entries.get(sub) === pending) this.entries.delete(sub);
    });
    return pending;
  }

  private fresh(access: UserAccess): boolean {
    const deadline = this.deps.now() + (this.deps.refreshMarginMs ?? 5 * 60_000);
    return access.credentialsExpireAt > deadline && access.tokenExpiresAt > deadline;
  }

  private evictOverflow() {
    const max = this.deps.maxEntries ?? 10_000;
    while (this.entries.size > max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  private async fetch(sub: string, username: string): Promise<UserAccess> {
    const identityId = await this.onboardedIdentity(username);
    const issuedAt = this.deps.now();
    const identity = await resolveDeveloperIdentity(this.deps.cognitoIdentity, this.deps.pool, sub, {
      identityId,
      tokenDurationSeconds: TOKEN_DURATION_SECONDS,
    }).catch(rethrowAsApiError);
    const credentials = await credentialsForIdentity(this.deps.cognitoIdentity, identity).catch(rethrowAsApiError);
    return {
      identityId: identity.identityId,
      token: identity.token,
      tokenExpiresAt: issuedAt + TOKEN_DURATION_SECONDS * 1000,
      credentialsExpireAt: credentials.expiration.getTime(),
      iotData: this.deps.iotDataFor(credentials),
    };
  }

  private async onboardedIdentity(username: string): Promise<string> {
    let attributes: Map<string, string>;
    try {
      const user = await this.deps.cognitoIdp.send(new AdminGetUserCommand({ UserPoolId: this.deps.userPoolId, Username: username }));
      attributes = new Map((user.UserAttributes ?? []).map((a) => [a.Name ?? '', a.Value ?? '']));
    } catch (error) {
      if (classifyAwsError(error) === 'notFound') {
        throw new ApiError('Unauthenticated', 'The token names a user that no longer exists in the user pool', { cause: error });
      }
      rethrowAsApiError(error);
    }
    const identityId = attributes.get(IDENTITY_ID_ATTRIBUTE);
    if (!attributes.get(ONBOARDED_ATTRIBUTE) || !identityId) {
      throw new ApiError('NotOnboarded', 'This user is not onboarded to AWS IoT yet; onboarding starts at sign-in and takes a few seconds');
    }
    return identityId;
  }
}

function rethrowAsApiError(error: unknown): never {
  if (error instanceof ApiError) throw error;
  const cause = (error as { cause?: unknown }).cause ?? error;
  if (classifyAwsError(cause) === 'throttled' || (error as Error).name === 'UpstreamThrottled') {
    throw new ApiError('Throttled', 'AWS is throttling identity requests; retry with backoff', { cause: error });
  }
  throw new ApiError('UpstreamFailure', 'An AWS dependency failed; retry later', { cause: error });
}
