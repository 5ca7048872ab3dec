import {
  CognitoIdentityClient,
  DeleteIdentitiesCommand,
  DescribeIdentityCommand,
  GetCredentialsForIdentityCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  LookupDeveloperIdentityCommand,
  UnlinkDeveloperIdentityCommand,
} from '@aws-sdk/client-cognito-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCognitoIdentity, type CognitoIdentityServer } from '../../sandbox/cognito-identity';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../sandbox/config';
import { CredentialStore } from '../../sandbox/credentials';
import { FaultInjector } from '../../sandbox/faults';
import { errorOf } from '../support/aws-error';

const PROVIDER = 'login.sandbox.iot';
const ROLE = 'arn:aws:iam::000000000000:role/iot-authenticated';

let server: CognitoIdentityServer;
let identityPoolId: string;
let backend: CognitoIdentityClient;
let users = 0;

const newSub = () => `11111111-0000-4000-8000-${String(++users).padStart(12, '0')}`;


function openIdToken(userIdentifier: string, identityId?: string) {
  return backend.send(
    new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, Logins: { [PROVIDER]: userIdentifier }, ...(identityId ? { IdentityId: identityId } : {}) }),
  );
}

function lookup(input: { IdentityId?: string; DeveloperUserIdentifier?: string; MaxResults?: number; NextToken?: string }) {
  return backend.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: identityPoolId, ...input }));
}

function credentials(identityId: string, token: string) {
  return backend.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: { 'cognito-identity.amazonaws.com': token } }));
}

beforeAll(async () => {
  server = await startCognitoIdentity({ store: new CredentialStore(), faults: new FaultInjector() });
  identityPoolId = server.createIdentityPool({ developerProviderName: PROVIDER, authenticatedRoleArn: ROLE }).identityPoolId;
  backend = new CognitoIdentityClient({ region: 'us-east-1', endpoint: server.url, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
});

afterAll(async () => {
  backend?.destroy();
  await server?.close();
});

describe('GetOpenIdTokenForDeveloperIdentity with an IdentityId', () => {
  it('links a login not yet linked to the given identity, as AWS does (the takeover the product must avoid)', async () => {
    const victim = newSub();
    const stale = newSub();
    const { IdentityId } = await openIdToken(victim);
    const linked = await openIdToken(stale, IdentityId);
    expect(linked.IdentityId).toBe(IdentityId);
    expect((await lookup({ IdentityId })).DeveloperUserIdentifierList).toEqual([victim, stale]);
    expect((await lookup({ DeveloperUserIdentifier: stale })).IdentityId).toBe(IdentityId);
    expect((await credentials(IdentityId ?? '', linked.Token ?? '')).IdentityId).toBe(IdentityId);
  });

  it('refuses a login already linked to another identity with DeveloperUserAlreadyRegisteredException', async () => {
    const a = await openIdToken(newSub());
    const taken = newSub();
    await openIdToken(taken);
    expect((await errorOf(openIdToken(taken, a.IdentityId))).name).toBe('DeveloperUserAlreadyRegisteredException');
  });
});

describe('LookupDeveloperIdentity', () => {
  it('answers ResourceConflictException when both values are given and do not belong together', async () => {
    const a = await openIdToken(newSub());
    const other = newSub();
    await openIdToken(other);
    expect((await errorOf(lookup({ IdentityId: a.IdentityId, DeveloperUserIdentifier: other }))).name).toBe('ResourceConflictException');
  });

  it('returns the request values when both are given and match', async () => {
    const sub = newSub();
    const { IdentityId } = await openIdToken(sub);
    expect(await lookup({ IdentityId, DeveloperUserIdentifier: sub })).toMatchObject({ IdentityId, DeveloperUserIdentifierList: [sub] });
  });

  it('answers ResourceNotFoundException for a login never seen', async () => {
    expect((await errorOf(lookup({ DeveloperUserIdentifier: newSub() }))).name).toBe('ResourceNotFoundException');
  });

  it('pages the identifier list with MaxResults and NextToken', async () => {
    const first = newSub();
    const { IdentityId } = await openIdToken(first);
    const second = newSub();
    await openIdToken(second, IdentityId);
    const page1 = await lookup({ IdentityId, MaxResults: 1 });
    expect(page1.DeveloperUserIdentifierList).toEqual([first]);
    const page2 = await lookup({ IdentityId, MaxResults: 1, NextToken: page1.NextToken });
    expect(page2.DeveloperUserIdentifierList).toEqual([second]);
    expect(page2.NextToken).toBeUndefined();
  });
});

describe('UnlinkDeveloperIdentity', () => {
  it('unlinks a login, which then resolves to a new identity', async () => {
    const sub = newSub();
    const { IdentityId } = await openIdToken(sub);
    await backend.send(new UnlinkDeveloperIdentityCommand({ IdentityId, IdentityPoolId: identityPoolId, DeveloperProviderName: PROVIDER, DeveloperUserIdentifier: sub }));
    expect((await lookup({ IdentityId })).DeveloperUserIdentifierList).toEqual([]);
    expect((await errorOf(lookup({ DeveloperUserIdentifier: sub }))).name).toBe('ResourceNotFoundException');
    expect((await openIdToken(sub)).IdentityId).not.toBe(IdentityId);
  });

  it('refuses to unlink a login that is not linked to the identity', async () => {
    const { IdentityId } = await openIdToken(newSub());
    const error = await errorOf(
      backend.send(new UnlinkDeveloperIdentityCommand({ IdentityId, IdentityPoolId: identityPoolId, DeveloperProviderName: PROVIDER, DeveloperUserIdentifier: newSub() })),
    );
    expect(error.name).toBe('ResourceConflictException');
  });

  it('refuses another developer provider name', async () => {
    const sub = newSub();
    const { IdentityId } = await openIdToken(sub);
    const error = await errorOf(
      backend.send(new UnlinkDeveloperIdentityCommand({ IdentityId, IdentityPoolId: identityPoolId, DeveloperProviderName: 'other.provider', DeveloperUserIdentifier: sub })),
    );
    expect(error.name).toBe('NotAuthorizedException');
    expect((await lookup({ IdentityId })).DeveloperUserIdentifierList).toEqual([sub]);
  });
});

describe('DeleteIdentities', () => {
  it('deletes identities: describe and credentials answer ResourceNotFoundException and the login is free again', async () => {
    const sub = newSub();
    const { IdentityId, Token } = await openIdToken(sub);
    const out = await backend.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [IdentityId ?? ''] }));
    expect(out.UnprocessedIdentityIds).toEqual([]);
    expect((await errorOf(backend.send(new DescribeIdentityCommand({ IdentityId })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(credentials(IdentityId ?? '', Token ?? ''))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(lookup({ DeveloperUserIdentifier: sub }))).name).toBe('ResourceNotFoundException');
    expect((await openIdToken(sub)).IdentityId).not.toBe(IdentityId);
  });

  it('skips identities that do not exist and refuses an empty list', async () => {
    const missing = 'us-east-1:00000000-0000-0000-0000-000000000000';
    expect((await backend.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [missing] }))).UnprocessedIdentityIds).toEqual([]);
    expect((await errorOf(backend.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [] })))).name).toBe('InvalidParameterException');
  });
});
