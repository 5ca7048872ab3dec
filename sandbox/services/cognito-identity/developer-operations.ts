import * as z from 'zod/mini';
import { AwsServiceError } from '../../wire/http';
import { epochSeconds, invalidParameter, jsonMember, optionalNumber, optionalString, requireString, stringMap, type JsonOperation } from '../../wire/json-target';
import type { IdentityContext, OperationRequest } from './context';
import { notAuthorized, resourceConflict, resourceNotFound } from './errors';
import { signOpenIdToken } from './openid-tokens';
import type { IdentityPoolRecord, IdentityRecord } from './state';

/** TokenDuration: 1 s to 24 h, default 15 minutes (GetOpenIdTokenForDeveloperIdentity API). */
const DEFAULT_TOKEN_SECONDS = 900;
const MAX_TOKEN_SECONDS = 86_400;

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

/**
 * The identity a GetOpenIdTokenForDeveloperIdentity call resolves to. Without `IdentityId`: the
 * identity linked to the login, or a new one. With `IdentityId`: "When you want to associate a new
 * login with an existing authenticated/unauthenticated identity, you can do so by providing the
 * existing IdentityId" (GetOpenIdTokenForDeveloperIdentity API) — a login not yet linked is LINKED
 * to that identity, whoever asks; a login linked elsewhere is DeveloperUserAlreadyRegisteredException.
 */
function resolveIdentity(ctx: IdentityContext, p: IdentityPoolRecord, userIdentifier: string, requestedId: string | undefined): IdentityRecord {
  const mapped = ctx.state.identityOf(p.id, userIdentifier);
  if (requestedId === undefined) return mapped !== undefined ? ctx.state.identity(mapped) : ctx.state.createIdentity(p.id, userIdentifier);
  const record = ctx.state.identity(requestedId);
  if (record.poolId !== p.id) throw resourceNotFound(`Identity '${requestedId}' not found.`);
  if (mapped !== undefined && mapped !== requestedId) {
    throw new AwsServiceError(400, 'DeveloperUserAlreadyRegisteredException', 'The provided developer user identifier is already registered with Cognito under a different identity ID.');
  }
  if (mapped === undefined) ctx.state.link(record, userIdentifier);
  return record;
}

async function getOpenIdTokenForDeveloperIdentity(ctx: IdentityContext, input: Record<string, unknown>, request: OperationRequest) {
  const p = ctx.state.pool(requireString(input, 'IdentityPoolId'));
  ctx.requireBackend(request, 'GetOpenIdTokenForDeveloperIdentity', p);
  const userIdentifier = developerLogin(p, stringMap(input, 'Logins'));
  const duration = optionalNumber(input, 'TokenDuration') ?? DEFAULT_TOKEN_SECONDS;
  if (!Number.isInteger(duration) || duration < 1 || duration > MAX_TOKEN_SECONDS) {
    throw invalidParameter(`1 validation error detected: Value '${duration}' at 'tokenDuration' failed to satisfy constraint: Member must have value between 1 and ${MAX_TOKEN_SECONDS}`);
  }
  const record = resolveIdentity(ctx, p, userIdentifier, optionalString(input, 'IdentityId'));
  const token = await signOpenIdToken(ctx.signer, p, record, userIdentifier, { now: ctx.now(), durationSeconds: duration });
  return { IdentityId: record.identityId, Token: token };
}

/**
 * LookupDeveloperIdentity: either value finds the other; with both, "DeveloperUserIdentifier will
 * be matched against IdentityID ... Otherwise, a ResourceConflictException is thrown". MaxResults
 * 1–60 pages the identifier list with an opaque NextToken.
 */
function lookupDeveloperIdentity(ctx: IdentityContext, input: Record<string, unknown>, request: OperationRequest) {
  const p = ctx.state.pool(requireString(input, 'IdentityPoolId'));
  ctx.requireBackend(request, 'LookupDeveloperIdentity', p);
  const identityId = optionalString(input, 'IdentityId');
  const userIdentifier = optionalString(input, 'DeveloperUserIdentifier');
  const maxResults = optionalNumber(input, 'MaxResults') ?? 60;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 60) throw invalidParameter('MaxResults must be between 1 and 60');
  if (identityId === undefined && userIdentifier === undefined) throw invalidParameter('IdentityId or DeveloperUserIdentifier is required.');
  const fromUser = userIdentifier === undefined ? undefined : ctx.state.identityOf(p.id, userIdentifier);
  const record = identityId ?? fromUser;
  const found = record === undefined ? undefined : ctx.state.identities.get(record);
  if (!found || found.poolId !== p.id) throw resourceNotFound('Identity not found for the given IdentityId or DeveloperUserIdentifier.');
  if (identityId !== undefined && userIdentifier !== undefined && fromUser !== identityId) {
    throw resourceConflict(`Developer user identifier is not associated with the identity ${identityId}.`);
  }
  const start = decodeNextToken(optionalString(input, 'NextToken'));
  const list = found.developerUserIdentifiers.slice(start, start + maxResults);
  const next = start + maxResults < found.developerUserIdentifiers.length ? Buffer.from(String(start + maxResults)).toString('base64') : undefined;
  return { IdentityId: found.identityId, DeveloperUserIdentifierList: list, ...(next ? { NextToken: next } : {}) };
}

function decodeNextToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const offset = Number(Buffer.from(token, 'base64').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw invalidParameter('Invalid NextToken');
  return offset;
}

/**
 * UnlinkDeveloperIdentity: "Unlinked developer users will be considered new identities next time
 * they are seen." The identity itself stays (inaccessible once nothing is linked).
 */
function unlinkDeveloperIdentity(ctx: IdentityContext, input: Record<string, unknown>, request: OperationRequest) {
  const record = ctx.state.identity(requireString(input, 'IdentityId'));
  const p = ctx.state.pool(requireString(input, 'IdentityPoolId'));
  ctx.requireBackend(request, 'UnlinkDeveloperIdentity', p);
  const provider = requireString(input, 'DeveloperProviderName');
  const userIdentifier = requireString(input, 'DeveloperUserIdentifier');
  if (record.poolId !== p.id) throw resourceNotFound(`Identity '${record.identityId}' not found.`);
  if (provider !== p.developerProviderName) throw notAuthorized(`Developer provider '${provider}' is not the developer provider of identity pool ${p.id}.`);
  if (!record.developerUserIdentifiers.includes(userIdentifier)) {
    throw resourceConflict(`Developer user identifier is not associated with the identity ${record.identityId}.`);
  }
  ctx.state.unlink(record, userIdentifier);
  return {};
}

/**
 * DeleteIdentities: 1 to 60 ids; ids that do not exist are skipped (UnprocessedIdentityIds only
 * carries AccessDenied and InternalServerError). A deleted identity's logins are free: the next
 * GetOpenIdTokenForDeveloperIdentity of one creates a new identity.
 */
const IDENTITY_IDS_TO_DELETE = z.array(z.string()).check(z.minLength(1), z.maxLength(60));

function deleteIdentities(ctx: IdentityContext, input: Record<string, unknown>, request: OperationRequest) {
  ctx.requireBackend(request, 'DeleteIdentities');
  const ids = jsonMember(IDENTITY_IDS_TO_DELETE, input, 'IdentityIdsToDelete');
  for (const id of ids) {
    const record = ctx.state.identities.get(id);
    if (record) ctx.state.deleteIdentity(record);
  }
  return { UnprocessedIdentityIds: [] };
}

/** The IAM-authorized developer-identity operations. */
export function developerOperations(ctx: IdentityContext): Record<string, JsonOperation> {
  return {
    GetOpenIdTokenForDeveloperIdentity: (input, request) => getOpenIdTokenForDeveloperIdentity(ctx, input, request),
    LookupDeveloperIdentity: (input, request) => lookupDeveloperIdentity(ctx, input, request),
    UnlinkDeveloperIdentity: (input, request) => unlinkDeveloperIdentity(ctx, input, request),
    DeleteIdentities: (input, request) => deleteIdentities(ctx, input, request),
    DescribeIdentity: (input, request) => {
      const record = ctx.state.identity(requireString(input, 'IdentityId'));
      ctx.requireBackend(request, 'DescribeIdentity', ctx.state.pools.get(record.poolId));
      const p = ctx.state.pool(record.poolId);
      return {
        IdentityId: record.identityId,
        Logins: record.developerUserIdentifiers.length > 0 ? [p.developerProviderName] : [],
        CreationDate: epochSeconds(record.createdAt),
        LastModifiedDate: epochSeconds(record.modifiedAt),
      };
    },
  };
}
