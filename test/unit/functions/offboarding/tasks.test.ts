import { CognitoIdentityClient, DeleteIdentitiesCommand, LookupDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { AdminDeleteUserAttributesCommand, AdminGetUserCommand, AdminUpdateUserAttributesCommand, CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DeleteThingShadowCommand, IoTDataPlaneClient, ListNamedShadowsForThingCommand } from '@aws-sdk/client-iot-data-plane';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { deleteUserShadows } from '../../../../functions/offboarding/delete-shadows/core';
import { recordOffboarding } from '../../../../functions/offboarding/record/core';
import { removeIdentity } from '../../../../functions/offboarding/remove-identity/core';
import { resolveOffboarding } from '../../../../functions/offboarding/resolve/core';
import { silentLog } from '../../../../functions/shared/observability/logging';
import { awsError, IDENTITY_ID, SUB } from '../../fixtures';

const identityMock = mockClient(CognitoIdentityClient);
const idpMock = mockClient(CognitoIdentityProviderClient);
const iotDataMock = mockClient(IoTDataPlaneClient);
const cognitoIdentity = new CognitoIdentityClient({ region: 'us-east-1' });
const idp = new CognitoIdentityProviderClient({ region: 'us-east-1' });
const iotData = new IoTDataPlaneClient({ region: 'us-east-1' });
const POOL = 'us-east-1:11111111-2222-3333-4444-555555555555';

beforeEach(() => {
  for (const mock of [identityMock, idpMock, iotDataMock]) mock.reset();
});

describe('ResolveIdentity (offboarding)', () => {
  const resolve = (input: unknown) => resolveOffboarding(input, { cognitoIdentity, idp, identityPoolId: POOL, userPoolId: 'us-east-1_P', log: silentLog });

  it('resolves by sub with LookupDeveloperIdentity and reports a user who is gone', async () => {
    identityMock.on(LookupDeveloperIdentityCommand).resolves({ IdentityId: IDENTITY_ID, DeveloperUserIdentifierList: [SUB] });
    idpMock.on(ListUsersCommand).resolves({ Users: [] });
    expect(await resolve({ sub: SUB, reason: 'deleted' })).toEqual({ sub: SUB, identityId: IDENTITY_ID, userState: 'absent', username: null, proceed: true });
    expect(idpMock.commandCalls(ListUsersCommand)[0]?.args[0].input).toEqual({ UserPoolId: 'us-east-1_P', Filter: `sub = "${SUB}"`, Limit: 1 });
  });

  it('refuses an identity id that differs from the one linked to the sub', async () => {
    identityMock.on(LookupDeveloperIdentityCommand).resolves({ IdentityId: 'us-east-1:99999999-4b5a-6978-8a9b-0c1d2e3f4a5b' });
    await expect(resolve({ sub: SUB, identityId: IDENTITY_ID, reason: 'orphan' })).rejects.toMatchObject({ name: 'IdentityMismatch' });
  });

  it('rejects input with neither sub nor identity id as InvalidInput', async () => {
    await expect(resolve({ reason: 'deleted' })).rejects.toMatchObject({ name: 'InvalidInput' });
    expect(identityMock.calls()).toHaveLength(0);
  });

  it('surfaces a throttled lookup as UpstreamThrottled, which the ASL retries', async () => {
    identityMock.on(LookupDeveloperIdentityCommand).rejects(awsError('TooManyRequestsException', 429));
    await expect(resolve({ sub: SUB, reason: 'deleted' })).rejects.toMatchObject({ name: 'UpstreamThrottled' });
  });
});

describe('DeleteShadows', () => {
  it('deletes every named shadow across pages, then the classic one', async () => {
    iotDataMock.on(ListNamedShadowsForThingCommand).callsFake((input: { nextToken?: string }) =>
      input.nextToken ? { results: ['c'] } : { results: ['a', 'b'], nextToken: 't' },
    );
    iotDataMock.on(DeleteThingShadowCommand).resolves({});
    expect(await deleteUserShadows({ identityId: IDENTITY_ID }, { iotData, log: silentLog })).toEqual({ deleted: 4 });
    expect(iotDataMock.commandCalls(DeleteThingShadowCommand).map((c) => c.args[0].input)).toEqual([
      { thingName: IDENTITY_ID, shadowName: 'a' },
      { thingName: IDENTITY_ID, shadowName: 'b' },
      { thingName: IDENTITY_ID, shadowName: 'c' },
      { thingName: IDENTITY_ID },
    ]);
  });

  it('counts a shadow already gone as deleted and fails a throttled delete as UpstreamThrottled', async () => {
    iotDataMock.on(ListNamedShadowsForThingCommand).resolves({ results: [] });
    iotDataMock.on(DeleteThingShadowCommand).rejectsOnce(awsError('ResourceNotFoundException', 404)).rejects(awsError('ThrottlingException', 429));
    expect(await deleteUserShadows({ identityId: IDENTITY_ID }, { iotData, log: silentLog })).toEqual({ deleted: 0 });
    await expect(deleteUserShadows({ identityId: IDENTITY_ID }, { iotData, log: silentLog })).rejects.toMatchObject({ name: 'UpstreamThrottled' });
  });
});

describe('RemoveIdentity', () => {
  it('deletes the identity', async () => {
    identityMock.on(DeleteIdentitiesCommand).resolves({ UnprocessedIdentityIds: [] });
    expect(await removeIdentity({ identityId: IDENTITY_ID }, { cognitoIdentity, log: silentLog })).toEqual({ removed: true });
  });

  it('retries an identity left unprocessed by an internal error, and refuses on AccessDenied', async () => {
    identityMock.on(DeleteIdentitiesCommand).resolvesOnce({ UnprocessedIdentityIds: [{ IdentityId: IDENTITY_ID, ErrorCode: 'InternalServerError' }] })
      .resolves({ UnprocessedIdentityIds: [{ IdentityId: IDENTITY_ID, ErrorCode: 'AccessDenied' }] });
    await expect(removeIdentity({ identityId: IDENTITY_ID }, { cognitoIdentity, log: silentLog })).rejects.toMatchObject({ name: 'UpstreamUnavailable' });
    await expect(removeIdentity({ identityId: IDENTITY_ID }, { cognitoIdentity, log: silentLog })).rejects.toMatchObject({ name: 'UpstreamRejected' });
  });
});

describe('offboarding execution names', () => {
  it('fit StartExecution\'s 80 characters, contain no colon, and are the same for one event', async () => {
    const { offboardingExecutionName } = await import('../../../../functions/shared/workflows/offboarding');
    const at = new Date('2026-12-01T10:00:00Z');
    const bySub = offboardingExecutionName({ sub: SUB, reason: 'disabled' }, at);
    const byId = offboardingExecutionName({ identityId: IDENTITY_ID, reason: 'operator' }, at);
    for (const name of [bySub, byId]) {
      expect(name.length).toBeLessThanOrEqual(80);
      expect(name).not.toContain(':');
    }
    expect(bySub).toBe(offboardingExecutionName({ sub: SUB, reason: 'disabled' }, new Date('2026-12-01T10:00:00.900Z')));
    expect(bySub).not.toBe(offboardingExecutionName({ sub: SUB, reason: 'disabled' }, new Date('2026-12-02T10:00:00Z')));
  });

  it('read back as who, why and when, a replacement\'s too, and nothing else', async () => {
    const { offboardingExecutionName, parseOffboardingExecutionName } = await import('../../../../functions/shared/workflows/offboarding');
    const at = new Date('2026-12-01T10:00:00Z');
    const name = offboardingExecutionName({ sub: SUB, reason: 'deleted' }, at);
    expect(parseOffboardingExecutionName(name)).toEqual({ who: SUB, reason: 'deleted', at });
    expect(parseOffboardingExecutionName(`${name}-r1796500000`)).toEqual({ who: SUB, reason: 'deleted', at });
    expect(parseOffboardingExecutionName(`onboard-${SUB}-v1`)).toBeUndefined();
  });
});

describe('the offboarded marker', () => {
  it('tells when offboarding recorded it, and nothing for a version', async () => {
    const { offboardedMarker, offboardedMarkerTime } = await import('../../../../functions/shared/workflows/onboarding');
    expect(offboardedMarkerTime(offboardedMarker(new Date('2026-12-01T10:00:00.700Z')))).toEqual(new Date('2026-12-01T10:00:00Z'));
    expect(offboardedMarkerTime('1')).toBeUndefined();
    expect(offboardedMarkerTime(undefined)).toBeUndefined();
  });
});

describe('onboarding version and the offboarded marker', () => {
  it('refuses an onboarding version that looks like the offboarded marker', async () => {
    const { ConfigVars, loadConfig } = await import('../../../../functions/shared/aws/config');
    expect(() => loadConfig({ V: ConfigVars.onboardingVersion() }, { V: 'off-1' })).toThrow(/not starting with off-/);
    expect(loadConfig({ V: ConfigVars.onboardingVersion() }, { V: '2' })).toEqual({ V: '2' });
  });
});

describe('RecordResult: the leaving user read by the name ResolveIdentity found', () => {
  const recordDeps = () => ({ idp, userPoolId: 'us-east-1_Pool1', log: silentLog, metrics: { count: () => undefined } });
  const disabledAlice = (sub: string) => ({
    Username: 'alice',
    Enabled: false,
    UserAttributes: [{ Name: 'sub', Value: sub }, { Name: 'custom:iot_onboarded', Value: '1' }, { Name: 'custom:identity_id', Value: IDENTITY_ID }],
  });
  beforeEach(() => {
    idpMock.reset();
    idpMock.on(AdminUpdateUserAttributesCommand).resolves({});
    idpMock.on(AdminDeleteUserAttributesCommand).resolves({});
  });

  it('reads a disabled user with AdminGetUser (UserRead, 120 RPS), never ListUsers (UserList, 30), and forgets their onboarding', async () => {
    idpMock.on(AdminGetUserCommand, { Username: 'alice' }).resolves(disabledAlice(SUB));
    const result = await recordOffboarding({ sub: SUB, identityId: IDENTITY_ID, username: 'alice', reason: 'disabled' }, recordDeps());
    expect(result).toEqual({ attributesCleared: true });
    expect(idpMock.commandCalls(ListUsersCommand)).toHaveLength(0);
    expect(idpMock.commandCalls(AdminUpdateUserAttributesCommand)[0]?.args[0].input).toMatchObject({ Username: 'alice' });
  });

  it('asks Cognito nothing for a user ResolveIdentity found gone (username null)', async () => {
    expect(await recordOffboarding({ sub: SUB, identityId: IDENTITY_ID, username: null, reason: 'deleted' }, recordDeps())).toEqual({ attributesCleared: false });
    expect(idpMock.calls()).toHaveLength(0);
  });

  it("clears nothing when the name now belongs to another user (deleted, then the name reused): the sub must match", async () => {
    idpMock.on(AdminGetUserCommand).resolves(disabledAlice('99999999-8a7d-4f5b-9c3e-2d1a0b9c8e7f'));
    expect(await recordOffboarding({ sub: SUB, identityId: IDENTITY_ID, username: 'alice', reason: 'disabled' }, recordDeps())).toEqual({ attributesCleared: false });
    expect(idpMock.commandCalls(AdminUpdateUserAttributesCommand)).toHaveLength(0);
  });

  it('finds the user by sub for an execution started before ResolveIdentity passed the name (no username key)', async () => {
    idpMock.on(ListUsersCommand).resolves({ Users: [{ Username: 'alice', Enabled: false, Attributes: disabledAlice(SUB).UserAttributes }] });
    expect(await recordOffboarding({ sub: SUB, identityId: IDENTITY_ID, reason: 'disabled' }, recordDeps())).toEqual({ attributesCleared: true });
    expect(idpMock.commandCalls(AdminGetUserCommand)).toHaveLength(0);
  });

  it('treats a user deleted between the two steps as gone (UserNotFoundException)', async () => {
    idpMock.on(AdminGetUserCommand).rejects(awsError('UserNotFoundException', 400));
    expect(await recordOffboarding({ sub: SUB, identityId: IDENTITY_ID, username: 'alice', reason: 'disabled' }, recordDeps())).toEqual({ attributesCleared: false });
  });
});
