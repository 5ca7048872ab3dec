import { generateKeyPairSync } from 'node:crypto';
import {
  CognitoIdentityClient,
  DescribeIdentityCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  LookupDeveloperIdentityCommand,
} from '@aws-sdk/client-cognito-identity';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { credentialsForIdentity, resolveDeveloperIdentity } from '../../../../functions/shared/identity/developer-identity';
import { errorOf } from '../../../support/aws-error';
import { cognitoIdentityFixture, PROVIDER, ROLE } from '../../../support/cognito-identity-fixture';
import { fileFixture } from '../../../support/file-fixture';

let clockOffsetMs = 0;
let users = 0;

const now = () => Date.now() + clockOffsetMs;
const newUser = () => `00000000-0000-4000-8000-${String(++users).padStart(12, '0')}`;
const sandbox = fileFixture(() => cognitoIdentityFixture({ now }));

beforeEach(() => {
  clockOffsetMs = 0;
  sandbox.faults.clear();
});

describe('developer-authenticated identities', () => {
  it('uses the real identity pool id form', () => {
    expect(sandbox.identityPoolId).toMatch(/^us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('creates one identity per developer user and returns the same one afterwards', async () => {
    const sub = newUser();
    const first = await sandbox.openIdToken(sub);
    const second = await sandbox.openIdToken(sub);
    const other = await sandbox.openIdToken(newUser());
    expect(first.IdentityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    expect(second.IdentityId).toBe(first.IdentityId);
    expect(other.IdentityId).not.toBe(first.IdentityId);
    expect(sandbox.server.identities()).toContainEqual({ identityId: first.IdentityId, identityPoolId: sandbox.identityPoolId, logins: { [PROVIDER]: sub }, developerUserIdentifiers: [sub] });
  });

  it('issues an RS256 OpenID token for the identity with the Cognito identity claims', async () => {
    const out = await sandbox.openIdToken(newUser(), { TokenDuration: 600 });
    const claims = decodeJwt(out.Token ?? '');
    expect(decodeProtectedHeader(out.Token ?? '').alg).toBe('RS256');
    expect(claims).toMatchObject({ iss: 'https://cognito-identity.amazonaws.com', aud: sandbox.identityPoolId, sub: out.IdentityId });
    expect(claims.amr).toEqual(expect.arrayContaining(['authenticated', PROVIDER]));
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(600);
  });

  it('refuses an IdentityId that belongs to another developer user', async () => {
    const a = await sandbox.openIdToken(newUser());
    const bUser = newUser();
    await sandbox.openIdToken(bUser);
    const error = await errorOf(sandbox.openIdToken(bUser, { IdentityId: a.IdentityId ?? '' }));
    expect(error.name).toBe('DeveloperUserAlreadyRegisteredException');
  });

  it('refuses a TokenDuration above 24 hours', async () => {
    expect((await errorOf(sandbox.openIdToken(newUser(), { TokenDuration: 86_401 }))).name).toBe('InvalidParameterException');
  });

  it('refuses an unsigned GetOpenIdTokenForDeveloperIdentity', async () => {
    const res = await fetch(sandbox.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetOpenIdTokenForDeveloperIdentity' },
      body: JSON.stringify({ IdentityPoolId: sandbox.identityPoolId, Logins: { [PROVIDER]: newUser() } }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { __type: string }).__type).toBe('MissingAuthenticationTokenException');
  });

  it('refuses GetOpenIdTokenForDeveloperIdentity signed with an identity’s own credentials', async () => {
    const { IdentityId, Token } = await sandbox.openIdToken(newUser());
    const creds = (await sandbox.credentials(IdentityId ?? '', Token ?? '')).Credentials;
    const asIdentity = new CognitoIdentityClient({
      region: 'us-east-1',
      endpoint: sandbox.server.url,
      credentials: { accessKeyId: creds?.AccessKeyId ?? '', secretAccessKey: creds?.SecretKey ?? '', sessionToken: creds?.SessionToken ?? '' },
      maxAttempts: 1,
    });
    try {
      expect((await errorOf(asIdentity.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: sandbox.identityPoolId, Logins: { [PROVIDER]: newUser() } })))).name).toBe(
        'AccessDeniedException',
      );
    } finally {
      asIdentity.destroy();
    }
  });

  it('looks developer identities up by user identifier and by identity id', async () => {
    const sub = newUser();
    const { IdentityId } = await sandbox.openIdToken(sub);
    const byUser = await sandbox.backend.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: sandbox.identityPoolId, DeveloperUserIdentifier: sub, MaxResults: 10 }));
    const byId = await sandbox.backend.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: sandbox.identityPoolId, IdentityId, MaxResults: 10 }));
    expect(byUser.IdentityId).toBe(IdentityId);
    expect(byId.DeveloperUserIdentifierList).toEqual([sub]);
    const missing = await errorOf(sandbox.backend.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: sandbox.identityPoolId, DeveloperUserIdentifier: 'nobody', MaxResults: 10 })));
    expect(missing.name).toBe('ResourceNotFoundException');
    const described = await sandbox.backend.send(new DescribeIdentityCommand({ IdentityId }));
    expect(described.Logins).toEqual([PROVIDER]);
  });

  it('answers TooManyRequestsException (429) when throttled', async () => {
    sandbox.faults.set('cognito-identity:GetOpenIdTokenForDeveloperIdentity', { failNext: 1, failWith: 'throttle' });
    expect(await errorOf(sandbox.openIdToken(newUser()))).toMatchObject({ name: 'TooManyRequestsException', status: 429 });
  });
});

describe('GetCredentialsForIdentity', () => {
  it('exchanges the OpenID token for credentials the CredentialStore knows', async () => {
    const { IdentityId, Token } = await sandbox.openIdToken(newUser());
    const out = await sandbox.credentials(IdentityId ?? '', Token ?? '');
    expect(out.IdentityId).toBe(IdentityId);
    const issued = sandbox.store.lookup(out.Credentials?.AccessKeyId ?? '');
    expect(issued?.principal).toEqual({ kind: 'identity', identityId: IdentityId, roleArn: ROLE });
    expect(issued?.secretAccessKey).toBe(out.Credentials?.SecretKey);
    expect(issued?.sessionToken).toBe(out.Credentials?.SessionToken);
    expect(out.Credentials?.Expiration?.getTime()).toBe(issued?.expiration?.getTime());
  });

  it('works through the shared identity helpers the handlers use', async () => {
    const identity = await resolveDeveloperIdentity(sandbox.backend, { identityPoolId: sandbox.identityPoolId, developerProviderName: PROVIDER }, newUser());
    const creds = await credentialsForIdentity(sandbox.backend, identity);
    expect(sandbox.store.lookup(creds.accessKeyId)?.principal).toMatchObject({ kind: 'identity', identityId: identity.identityId });
  });

  it('refuses a token signed by another key', async () => {
    const { IdentityId, Token } = await sandbox.openIdToken(newUser());
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await new SignJWT(decodeJwt(Token ?? '')).setProtectedHeader({ alg: 'RS256', kid: decodeProtectedHeader(Token ?? '').kid ?? '' }).sign(privateKey);
    expect(await errorOf(sandbox.credentials(IdentityId ?? '', forged))).toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid login token. Token signature invalid.' });
  });

  it('refuses an expired token', async () => {
    const { IdentityId, Token } = await sandbox.openIdToken(newUser(), { TokenDuration: 60 });
    clockOffsetMs = 61_000;
    const error = await errorOf(sandbox.credentials(IdentityId ?? '', Token ?? ''));
    expect(error.name).toBe('NotAuthorizedException');
    expect(error.message).toMatch(/^Invalid login token\. Token expired/);
  });

  it('refuses a token issued for another identity', async () => {
    const mine = await sandbox.openIdToken(newUser());
    const theirs = await sandbox.openIdToken(newUser());
    expect((await errorOf(sandbox.credentials(mine.IdentityId ?? '', theirs.Token ?? ''))).name).toBe('NotAuthorizedException');
  });

  it('refuses a call without logins', async () => {
    const { IdentityId } = await sandbox.openIdToken(newUser());
    const error = await errorOf(sandbox.backend.send(new GetCredentialsForIdentityCommand({ IdentityId })));
    expect(error).toMatchObject({ name: 'NotAuthorizedException', message: 'Unauthenticated access is not supported for this identity pool.' });
  });
});

describe('GetId', () => {
  it('refuses a user-pool login, naming the provider the pool does not have', async () => {
    const provider = 'cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI';
    const error = await errorOf(sandbox.backend.send(new GetIdCommand({ IdentityPoolId: sandbox.identityPoolId, Logins: { [provider]: 'header.payload.signature' } })));
    expect(error.name).toBe('NotAuthorizedException');
    expect(error.message).toContain(provider);
  });

  it('refuses unauthenticated access', async () => {
    const error = await errorOf(sandbox.backend.send(new GetIdCommand({ IdentityPoolId: sandbox.identityPoolId })));
    expect(error).toMatchObject({ name: 'NotAuthorizedException', message: 'Unauthenticated access is not supported for this identity pool.' });
  });
});
