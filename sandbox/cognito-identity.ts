import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { errors as joseErrors, type JWTPayload } from 'jose';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from './config';
import { RsaTokenSigner } from './cognito-tokens';
import type { CredentialStore } from './credentials';
import type { FaultInjector } from './faults';
import { AwsServiceError, startHttpServer } from './http';
import { epochSeconds, invalidParameter, jsonTargetHandler, optionalNumber, optionalString, requireString, stringMap, type JsonOperation } from './json-target';
import { SIGNING_NAMES } from './signing-names';
import { verifySignedRequest } from './sigv4';

export interface CognitoIdentityOptions {
  /** Records the credentials GetCredentialsForIdentity issues, and verifies backend signatures. */
  readonly store: CredentialStore;
  readonly faults: FaultInjector;
  readonly now?: () => number;
  readonly port?: number;
}

export interface CreateIdentityPoolOptions {
  /** The pool's developer provider name (`DeveloperProviderName`), e.g. `login.example.iot`. */
  readonly developerProviderName: string;
  readonly authenticatedRoleArn: string;
  /** The sandbox models the design's pool: no unauthenticated identities. */
  readonly allowUnauthenticated?: false;
}

export interface IdentityRecordView {
  readonly identityId: string;
  readonly identityPoolId: string;
  /** Developer provider name → developer user identifier. */
  readonly logins: Readonly<Record<string, string>>;
}

export interface CognitoIdentityServer {
  readonly url: string;
  close(): Promise<void>;
  createIdentityPool(opts: CreateIdentityPoolOptions): { identityPoolId: string };
  identities(): IdentityRecordView[];
}

/** The issuer of the OpenID tokens Cognito identity issues. */
export const COGNITO_IDENTITY_ISSUER = 'https://cognito-identity.amazonaws.com';
/** The Logins key GetCredentialsForIdentity takes those tokens under. */
const OPENID_LOGIN_KEY = 'cognito-identity.amazonaws.com';
/** TokenDuration: 1 s to 24 h, default 15 minutes (GetOpenIdTokenForDeveloperIdentity API). */
const DEFAULT_TOKEN_SECONDS = 900;
const MAX_TOKEN_SECONDS = 86_400;
/** Credentials from GetCredentialsForIdentity last one hour. */
const CREDENTIALS_LIFETIME_MS = 3_600_000;
const JSON_11 = 'application/x-amz-json-1.1';
/** Developer APIs are IAM-authorized (SigV4); GetId and GetCredentialsForIdentity are public. */
const IAM_OPERATIONS: ReadonlySet<string> = new Set(['GetOpenIdTokenForDeveloperIdentity', 'LookupDeveloperIdentity', 'DescribeIdentity']);

interface IdentityPoolRecord {
  readonly id: string;
  readonly developerProviderName: string;
  readonly authenticatedRoleArn: string;
}

interface IdentityRecord {
  readonly identityId: string;
  readonly poolId: string;
  /** Developer user identifiers linked to this identity, in linking order. */
  readonly developerUserIdentifiers: string[];
  readonly createdAt: number;
  modifiedAt: number;
}

// Error types and statuses from the Cognito identity service model (httpError traits).
const notAuthorized = (message: string) => new AwsServiceError(403, 'NotAuthorizedException', message);
const resourceNotFound = (message: string) => new AwsServiceError(404, 'ResourceNotFoundException', message);

/**
 * Cognito identity pools over JSON 1.1 (`X-Amz-Target: AWSCognitoIdentityService.<Op>`) for
 * developer-authenticated identities: GetOpenIdTokenForDeveloperIdentity (SigV4, backend),
 * GetCredentialsForIdentity (unsigned, the OpenID token authenticates), LookupDeveloperIdentity,
 * DescribeIdentity and GetId (which refuses every login, as the design's pool has no other
 * providers and no unauthenticated identities).
 */
export async function startCognitoIdentity(opts: CognitoIdentityOptions): Promise<CognitoIdentityServer> {
  const now = opts.now ?? Date.now;
  const signer = new RsaTokenSigner(now);
  const pools = new Map<string, IdentityPoolRecord>();
  const identities = new Map<string, IdentityRecord>();
  /** `<poolId>\n<developer user identifier>` → identity id. */
  const byDeveloperUser = new Map<string, string>();

  function pool(identityPoolId: string): IdentityPoolRecord {
    if (!/^[\w-]+:[0-9a-f-]+$/.test(identityPoolId)) {
      throw invalidParameter(`1 validation error detected: Value '${identityPoolId}' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+`);
    }
    const found = pools.get(identityPoolId);
    if (!found) throw resourceNotFound(`IdentityPool '${identityPoolId}' not found.`);
    return found;
  }

  function identity(identityId: string): IdentityRecord {
    if (!/^[\w-]+:[0-9a-f-]+$/.test(identityId)) {
      throw invalidParameter(`1 validation error detected: Value '${identityId}' at 'identityId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+`);
    }
    const found = identities.get(identityId);
    if (!found) throw resourceNotFound(`Identity '${identityId}' not found.`);
    return found;
  }

  /** Developer APIs are IAM-authorized: a valid backend SigV4 signature is required. */
  function requireBackend(req: IncomingMessage, body: Buffer, operation: string, p?: IdentityPoolRecord): void {
    const caller = verifySignedRequest({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body }, opts.store, { service: SIGNING_NAMES.cognitoIdentity, now });
    if (caller.principal.kind !== 'backend') {
      // The identity's own role grants IoT access only; IAM would deny the developer API. The
      // service model declares no AccessDeniedException, so this is the generic JSON-protocol 400.
      const resource = p ? `arn:aws:cognito-identity:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:identitypool/${p.id}` : '*';
      throw new AwsServiceError(400, 'AccessDeniedException', `User is not authorized to perform: cognito-identity:${operation} on resource: ${resource}`);
    }
  }

  /** The single developer login of a request; any other provider is one this pool does not have. */
  function developerLogin(p: IdentityPoolRecord, logins: Record<string, string> | undefined): string {
    const entries = Object.entries(logins ?? {});
    if (entries.length === 0) throw invalidParameter('Logins must contain the developer provider name and the developer user identifier.');
    for (const [provider, value] of entries) {
      if (provider !== p.developerProviderName) {
        throw notAuthorized(`Token is not from a supported provider of this identity pool. Identity pool ${p.id} has no provider '${provider}'; its developer provider is '${p.developerProviderName}'.`);
      }
      if (value.length < 1 || value.length > 1024) throw invalidParameter('The developer user identifier must be 1 to 1024 characters long.');
    }
    return entries[0]?.[1] ?? '';
  }

  async function verifyOpenIdToken(token: string, expected: IdentityRecord): Promise<JWTPayload> {
    let claims: JWTPayload;
    try {
      claims = await signer.verify(token, { issuer: COGNITO_IDENTITY_ISSUER });
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw notAuthorized(`Invalid login token. Token expired: ${String(error.payload.exp)} >= ${Math.floor(now() / 1000)}`);
      }
      if (error instanceof joseErrors.JWTClaimValidationFailed) throw notAuthorized(`Invalid login token. Incorrect token ${error.claim}.`);
      throw notAuthorized('Invalid login token. Token signature invalid.');
    }
    const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audience.includes(expected.poolId)) throw notAuthorized('Invalid login token. Incorrect token audience.');
    if (claims.sub !== expected.identityId) throw notAuthorized('Invalid login token. Token subject does not match the identity.');
    return claims;
  }

  const operations: Record<string, JsonOperation> = {
    GetOpenIdTokenForDeveloperIdentity: async (input, { req, body }) => {
      const p = pool(requireString(input, 'IdentityPoolId'));
      requireBackend(req, body, 'GetOpenIdTokenForDeveloperIdentity', p);
      const userIdentifier = developerLogin(p, stringMap(input, 'Logins'));
      const duration = optionalNumber(input, 'TokenDuration') ?? DEFAULT_TOKEN_SECONDS;
      if (!Number.isInteger(duration) || duration < 1 || duration > MAX_TOKEN_SECONDS) {
        throw invalidParameter(`1 validation error detected: Value '${duration}' at 'tokenDuration' failed to satisfy constraint: Member must have value between 1 and ${MAX_TOKEN_SECONDS}`);
      }
      const key = `${p.id}\n${userIdentifier}`;
      const mapped = byDeveloperUser.get(key);
      const requestedId = optionalString(input, 'IdentityId');
      let record: IdentityRecord;
      if (requestedId !== undefined) {
        record = identity(requestedId);
        if (record.poolId !== p.id) throw resourceNotFound(`Identity '${requestedId}' not found.`);
        if (mapped !== undefined && mapped !== requestedId) {
          throw new AwsServiceError(400, 'DeveloperUserAlreadyRegisteredException', 'The provided developer user identifier is already registered with Cognito under a different identity ID.');
        }
        if (mapped === undefined) {
          // Linking a new developer user to an existing identity (GetOpenIdTokenForDeveloperIdentity with IdentityId).
          record.developerUserIdentifiers.push(userIdentifier);
          record.modifiedAt = now();
          byDeveloperUser.set(key, record.identityId);
        }
      } else if (mapped !== undefined) {
        record = identity(mapped);
      } else {
        const t = now();
        record = { identityId: `${SANDBOX_REGION}:${randomUUID()}`, poolId: p.id, developerUserIdentifiers: [userIdentifier], createdAt: t, modifiedAt: t };
        identities.set(record.identityId, record);
        byDeveloperUser.set(key, record.identityId);
      }
      const iat = Math.floor(now() / 1000);
      const token = await signer.sign({
        iss: COGNITO_IDENTITY_ISSUER,
        sub: record.identityId,
        aud: p.id,
        amr: ['authenticated', p.developerProviderName, `${p.developerProviderName}:${p.id}:${userIdentifier}`],
        iat,
        exp: iat + duration,
      });
      return { IdentityId: record.identityId, Token: token };
    },

    GetCredentialsForIdentity: async (input) => {
      const record = identity(requireString(input, 'IdentityId'));
      const p = pool(record.poolId);
      const logins = stringMap(input, 'Logins') ?? {};
      if (Object.keys(logins).length === 0) throw notAuthorized('Unauthenticated access is not supported for this identity pool.');
      const token = logins[OPENID_LOGIN_KEY];
      if (token === undefined) throw notAuthorized("Logins don't match. Please include at least one valid login for this identity or identity pool.");
      const customRole = optionalString(input, 'CustomRoleArn');
      if (customRole !== undefined && customRole !== p.authenticatedRoleArn) {
        throw invalidParameter('CustomRoleArn requires a role-mapping rule; this identity pool has none.');
      }
      await verifyOpenIdToken(token, record);
      const issued = opts.store.issueForIdentity(record.identityId, p.authenticatedRoleArn, CREDENTIALS_LIFETIME_MS);
      return {
        IdentityId: record.identityId,
        Credentials: {
          AccessKeyId: issued.accessKeyId,
          SecretKey: issued.secretAccessKey,
          SessionToken: issued.sessionToken,
          Expiration: epochSeconds(issued.expiration.getTime()),
        },
      };
    },

    LookupDeveloperIdentity: (input, { req, body }) => {
      const p = pool(requireString(input, 'IdentityPoolId'));
      requireBackend(req, body, 'LookupDeveloperIdentity', p);
      const identityId = optionalString(input, 'IdentityId');
      const userIdentifier = optionalString(input, 'DeveloperUserIdentifier');
      const maxResults = optionalNumber(input, 'MaxResults') ?? 60;
      if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 60) throw invalidParameter('MaxResults must be between 1 and 60');
      if (identityId === undefined && userIdentifier === undefined) throw invalidParameter('IdentityId or DeveloperUserIdentifier is required.');
      const fromUser = userIdentifier === undefined ? undefined : byDeveloperUser.get(`${p.id}\n${userIdentifier}`);
      const resolved = identityId ?? fromUser;
      const record = resolved === undefined ? undefined : identities.get(resolved);
      if (!record || record.poolId !== p.id || (identityId !== undefined && userIdentifier !== undefined && fromUser !== identityId)) {
        throw resourceNotFound('Identity not found for the given IdentityId or DeveloperUserIdentifier.');
      }
      return { IdentityId: record.identityId, DeveloperUserIdentifierList: record.developerUserIdentifiers.slice(0, maxResults) };
    },

    DescribeIdentity: (input, { req, body }) => {
      const record = identity(requireString(input, 'IdentityId'));
      requireBackend(req, body, 'DescribeIdentity', pools.get(record.poolId));
      const p = pool(record.poolId);
      return {
        IdentityId: record.identityId,
        Logins: [p.developerProviderName],
        CreationDate: epochSeconds(record.createdAt),
        LastModifiedDate: epochSeconds(record.modifiedAt),
      };
    },

    GetId: (input) => {
      const p = pool(requireString(input, 'IdentityPoolId'));
      const providers = Object.keys(stringMap(input, 'Logins') ?? {});
      if (providers.length === 0) throw notAuthorized('Unauthenticated access is not supported for this identity pool.');
      // The design's pool has no user-pool (or other token) provider: identities come only from the
      // backend's developer-authenticated flow, so a GetId login would create a policy-less identity.
      throw notAuthorized(
        `Token is not from a supported provider of this identity pool. Identity pool ${p.id} has no provider '${providers.join("', '")}'; ` +
          `its identities are developer-authenticated ('${p.developerProviderName}') and are resolved by the backend.`,
      );
    },
  };

  const server = await startHttpServer(
    jsonTargetHandler({
      targetPrefix: 'AWSCognitoIdentityService',
      faultPrefix: 'cognito-identity',
      faults: opts.faults,
      operations,
      contentType: JSON_11,
      iam: { operations: IAM_OPERATIONS, store: opts.store, signingNames: SIGNING_NAMES.cognitoIdentity, now },
    }),
    opts.port ?? 0,
  );

  return {
    url: server.url,
    close: () => server.close(),
    createIdentityPool(poolOpts) {
      const id = `${SANDBOX_REGION}:${randomUUID()}`;
      pools.set(id, { id, developerProviderName: poolOpts.developerProviderName, authenticatedRoleArn: poolOpts.authenticatedRoleArn });
      return { identityPoolId: id };
    },
    identities: () =>
      [...identities.values()].map((record) => {
        const p = pools.get(record.poolId);
        const first = record.developerUserIdentifiers[0];
        return {
          identityId: record.identityId,
          identityPoolId: record.poolId,
          logins: p && first !== undefined ? { [p.developerProviderName]: first } : {},
        };
      }),
  };
}
