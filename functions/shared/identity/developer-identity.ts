import {
  GetCredentialsForIdentityCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  LookupDeveloperIdentityCommand,
  type CognitoIdentityClient,
} from '@aws-sdk/client-cognito-identity';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { classifyAwsError, toUpstreamError } from '../aws/classify';
import { UpstreamRejectedError } from '../aws/errors';
import { listAll } from '../aws/pagination';

export interface IdentityPoolRef {
  readonly identityPoolId: string;
  /** The identity pool's developer provider name (`DeveloperProviderName`). */
  readonly developerProviderName: string;
}

export interface DeveloperIdentity {
  readonly identityId: string;
  /** Cognito OpenID token for the identity; exchange it with `GetCredentialsForIdentity`. */
  readonly token: string;
}

type CognitoIdentity = Pick<CognitoIdentityClient, 'send'>;

/**
 * Resolves a user-pool user to their identity-pool identity: developer-authenticated identity
 * keyed by the user-pool `sub`. Deterministic and idempotent (the first call creates the
 * identity, later calls return it), so the workflow, the API and the operators agree on it.
 */
export async function resolveDeveloperIdentity(
  cognitoIdentity: CognitoIdentity,
  pool: IdentityPoolRef,
  sub: string,
  options: { identityId?: string; tokenDurationSeconds?: number; abortSignal?: AbortSignal } = {},
): Promise<DeveloperIdentity> {
  try {
    const out = await cognitoIdentity.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({
        IdentityPoolId: pool.identityPoolId,
        Logins: { [pool.developerProviderName]: sub },
        ...(options.identityId ? { IdentityId: options.identityId } : {}),
        ...(options.tokenDurationSeconds ? { TokenDuration: options.tokenDurationSeconds } : {}),
      }),
      options.abortSignal ? { abortSignal: options.abortSignal } : {},
    );
    if (!out.IdentityId || !out.Token) {
      throw new UpstreamRejectedError('GetOpenIdTokenForDeveloperIdentity returned no IdentityId or Token');
    }
    return { identityId: out.IdentityId, token: out.Token };
  } catch (error) {
    if (error instanceof UpstreamRejectedError) throw error;
    throw toUpstreamError('GetOpenIdTokenForDeveloperIdentity', error);
  }
}

export interface IdentityCredentials extends AwsCredentialIdentity {
  readonly expiration: Date;
}

/** Exchanges an identity's OpenID token for its temporary AWS credentials (the role of the pool). */
export async function credentialsForIdentity(
  cognitoIdentity: CognitoIdentity,
  identity: DeveloperIdentity,
  abortSignal?: AbortSignal,
): Promise<IdentityCredentials> {
  try {
    const out = await cognitoIdentity.send(
      new GetCredentialsForIdentityCommand({
        IdentityId: identity.identityId,
        Logins: { 'cognito-identity.amazonaws.com': identity.token },
      }),
      abortSignal ? { abortSignal } : {},
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretKey || !c.SessionToken || !c.Expiration) {
      throw new UpstreamRejectedError('GetCredentialsForIdentity returned incomplete credentials');
    }
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  } catch (error) {
    if (error instanceof UpstreamRejectedError) throw error;
    throw toUpstreamError('GetCredentialsForIdentity', error);
  }
}

/**
 * The identity id of a `sub`, without creating or linking anything (LookupDeveloperIdentity by
 * DeveloperUserIdentifier). Undefined when the pool holds no identity for it.
 * https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_LookupDeveloperIdentity.html
 */
export async function lookupIdentityBySub(
  cognitoIdentity: CognitoIdentity,
  identityPoolId: string,
  sub: string,
): Promise<string | undefined> {
  try {
    const out = await cognitoIdentity.send(
      new LookupDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, DeveloperUserIdentifier: sub, MaxResults: 1 }),
    );
    return out.IdentityId;
  } catch (error) {
    if (classifyAwsError(error) === 'notFound') return undefined;
    throw toUpstreamError('LookupDeveloperIdentity', error);
  }
}

/**
 * The developer user identifiers (user-pool `sub`s) linked to an identity; undefined when the
 * identity does not exist. The product links exactly one `sub` per identity.
 */
export async function developerUsersOf(
  cognitoIdentity: CognitoIdentity,
  identityPoolId: string,
  identityId: string,
): Promise<string[] | undefined> {
  return listAll('LookupDeveloperIdentity', undefined, async (nextToken) => {
    const out = await cognitoIdentity.send(
      new LookupDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, IdentityId: identityId, MaxResults: 60, NextToken: nextToken }),
    );
    return { items: out.DeveloperUserIdentifierList, next: out.NextToken };
  });
}
