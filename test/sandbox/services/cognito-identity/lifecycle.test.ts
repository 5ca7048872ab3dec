import {
  DeleteIdentitiesCommand,
  DescribeIdentityCommand,
  LookupDeveloperIdentityCommand,
  UnlinkDeveloperIdentityCommand,
} from '@aws-sdk/client-cognito-identity';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../support/aws-error';
import { cognitoIdentityFixture, PROVIDER } from '../../../support/cognito-identity-fixture';
import { fileFixture } from '../../../support/file-fixture';

const sandbox = fileFixture(() => cognitoIdentityFixture());
let users = 0;

const newSub = () => `11111111-0000-4000-8000-${String(++users).padStart(12, '0')}`;

function lookup(input: { IdentityId?: string; DeveloperUserIdentifier?: string; MaxResults?: number; NextToken?: string }) {
  return sandbox.backend.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: sandbox.identityPoolId, ...input }));
}

describe('GetOpenIdTokenForDeveloperIdentity with an IdentityId', () => {
  it('links a login not yet linked to the given identity, as AWS does (the takeover the product must avoid)', async () => {
    const victim = newSub();
    const stale = newSub();
    const { IdentityId } = await sandbox.openIdToken(victim);
    const linked = await sandbox.openIdToken(stale, { IdentityId });
    expect(linked.IdentityId).toBe(IdentityId);
    expect((await lookup({ IdentityId })).DeveloperUserIdentifierList).toEqual([victim, stale]);
    expect((await lookup({ DeveloperUserIdentifier: stale })).IdentityId).toBe(IdentityId);
    expect((await sandbox.credentials(IdentityId ?? '', linked.Token ?? '')).IdentityId).toBe(IdentityId);
  });

  it('refuses a login already linked to another identity with DeveloperUserAlreadyRegisteredException', async () => {
    const a = await sandbox.openIdToken(newSub());
    const taken = newSub();
    await sandbox.openIdToken(taken);
    expect((await errorOf(sandbox.openIdToken(taken, { IdentityId: a.IdentityId }))).name).toBe('DeveloperUserAlreadyRegisteredException');
  });
});

describe('LookupDeveloperIdentity', () => {
  it('answers ResourceConflictException when both values are given and do not belong together', async () => {
    const a = await sandbox.openIdToken(newSub());
    const other = newSub();
    await sandbox.openIdToken(other);
    expect((await errorOf(lookup({ IdentityId: a.IdentityId, DeveloperUserIdentifier: other }))).name).toBe('ResourceConflictException');
  });

  it('returns the request values when both are given and match', async () => {
    const sub = newSub();
    const { IdentityId } = await sandbox.openIdToken(sub);
    expect(await lookup({ IdentityId, DeveloperUserIdentifier: sub })).toMatchObject({ IdentityId, DeveloperUserIdentifierList: [sub] });
  });

  it('answers ResourceNotFoundException for a login never seen', async () => {
    expect((await errorOf(lookup({ DeveloperUserIdentifier: newSub() }))).name).toBe('ResourceNotFoundException');
  });

  it('pages the identifier list with MaxResults and NextToken', async () => {
    const first = newSub();
    const { IdentityId } = await sandbox.openIdToken(first);
    const second = newSub();
    await sandbox.openIdToken(second, { IdentityId });
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
    const { IdentityId } = await sandbox.openIdToken(sub);
    await sandbox.backend.send(new UnlinkDeveloperIdentityCommand({ IdentityId, IdentityPoolId: sandbox.identityPoolId, DeveloperProviderName: PROVIDER, DeveloperUserIdentifier: sub }));
    expect((await lookup({ IdentityId })).DeveloperUserIdentifierList).toEqual([]);
    expect((await errorOf(lookup({ DeveloperUserIdentifier: sub }))).name).toBe('ResourceNotFoundException');
    expect((await sandbox.openIdToken(sub)).IdentityId).not.toBe(IdentityId);
  });

  it('refuses to unlink a login that is not linked to the identity', async () => {
    const { IdentityId } = await sandbox.openIdToken(newSub());
    const error = await errorOf(
      sandbox.backend.send(new UnlinkDeveloperIdentityCommand({ IdentityId, IdentityPoolId: sandbox.identityPoolId, DeveloperProviderName: PROVIDER, DeveloperUserIdentifier: newSub() })),
    );
    expect(error.name).toBe('ResourceConflictException');
  });

  it('refuses another developer provider name', async () => {
    const sub = newSub();
    const { IdentityId } = await sandbox.openIdToken(sub);
    const error = await errorOf(
      sandbox.backend.send(new UnlinkDeveloperIdentityCommand({ IdentityId, IdentityPoolId: sandbox.identityPoolId, DeveloperProviderName: 'other.provider', DeveloperUserIdentifier: sub })),
    );
    expect(error.name).toBe('NotAuthorizedException');
    expect((await lookup({ IdentityId })).DeveloperUserIdentifierList).toEqual([sub]);
  });
});

describe('DeleteIdentities', () => {
  it('deletes identities: describe and credentials answer ResourceNotFoundException and the login is free again', async () => {
    const sub = newSub();
    const { IdentityId, Token } = await sandbox.openIdToken(sub);
    const out = await sandbox.backend.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [IdentityId ?? ''] }));
    expect(out.UnprocessedIdentityIds).toEqual([]);
    expect((await errorOf(sandbox.backend.send(new DescribeIdentityCommand({ IdentityId })))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(sandbox.credentials(IdentityId ?? '', Token ?? ''))).name).toBe('ResourceNotFoundException');
    expect((await errorOf(lookup({ DeveloperUserIdentifier: sub }))).name).toBe('ResourceNotFoundException');
    expect((await sandbox.openIdToken(sub)).IdentityId).not.toBe(IdentityId);
  });

  it('skips identities that do not exist and refuses an empty list', async () => {
    const missing = 'us-east-1:00000000-0000-0000-0000-000000000000';
    expect((await sandbox.backend.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [missing] }))).UnprocessedIdentityIds).toEqual([]);
    expect((await errorOf(sandbox.backend.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [] })))).name).toBe('InvalidParameterException');
  });
});
