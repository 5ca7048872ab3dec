import { describe, expect, it } from 'vitest';
import { ACCOUNT_QUOTAS, bindingFirst, capacityRows, hourOfUse, measuredCalls, USAGE, type CapacityResults, type MeasuredCalls } from '../../../bench/capacity';
import { capacityReportRows } from '../../../bench/capacity-report';
import { addCalls, METERED } from '../../../bench/call-counter';

/** Per-operation calls shaped like a bench run's (the figures are the test's own). */
function measured(overrides: Partial<MeasuredCalls> = {}): MeasuredCalls {
  return {
    signInNew: {
      'cognito-idp:InitiateAuth': 1,
      'states:StartExecution': 1,
      'cognito-identity:GetOpenIdTokenForDeveloperIdentity': 2,
      'iot:AttachPolicy': 1,
      'cognito-idp:AdminUpdateUserAttributes': 1,
      'cognito-idp:AdminGetUser': 1,
      'cognito-identity:GetCredentialsForIdentity': 1,
      [METERED.connect]: 1,
      [METERED.stateTransition]: 5,
    },
    signInReturning: { 'cognito-idp:InitiateAuth': 1, 'cognito-idp:AdminGetUser': 1, 'cognito-identity:GetOpenIdTokenForDeveloperIdentity': 1, 'cognito-identity:GetCredentialsForIdentity': 1, [METERED.connect]: 1 },
    tokenRefresh: { 'cognito-idp:InitiateAuth': 1 },
    sigv4Reconnect: { 'cognito-idp:AdminGetUser': 1, 'cognito-identity:GetOpenIdTokenForDeveloperIdentity': 1, 'cognito-identity:GetCredentialsForIdentity': 1, [METERED.connect]: 1 },
    authorizerConnect: { 'cognito-idp:AdminGetUser': 1, [METERED.connect]: 1 },
    commandFirst: { 'cognito-idp:AdminGetUser': 1, 'cognito-identity:GetOpenIdTokenForDeveloperIdentity': 1, 'cognito-identity:GetCredentialsForIdentity': 1, 'iot:DescribeThing': 1, 'iot:Publish': 1, [METERED.inboundPublish]: 4 },
    commandWarm: { 'iot:Publish': 1, [METERED.inboundPublish]: 4 },
    trustMiss: { 'cognito-idp:AdminGetUser': 1 },
    ownershipMiss: { 'iot:DescribeThing': 1 },
    offboarding: { 'iot:DetachPolicy': 1, 'cognito-idp:ListUsers': 1, 'cognito-identity:LookupDeveloperIdentity': 1, 'cognito-identity:DeleteIdentities': 1, 'cognito-idp:AdminDeleteUser': 1 },
    ...overrides,
  };
}

const row = (rows: ReturnType<typeof capacityRows>, name: string) => {
  const found = rows.find((r) => r.quota.name === name);
  if (!found) throw new Error(`no row for ${name}`);
  return found;
};

describe('capacity model', () => {
  it('halves the new users per hour at which a quota binds when the measured calls per new sign-in double', () => {
    const once = row(capacityRows(measured()), 'IoT AttachPolicy').bound.newUser;
    const twice = row(capacityRows(measured({ signInNew: { ...measured().signInNew, 'iot:AttachPolicy': 2 } })), 'IoT AttachPolicy').bound.newUser;

    expect(once).toBe(12 * 3600);
    expect(twice).toBe((once ?? 0) / 2);
  });

  it("reads the calls per offboarding it is given, and bounds UserList at the user-lookup gate's rate", () => {
    const userList = row(capacityRows(measured()), 'Cognito UserList');
    expect(userList.calls.offboarding).toBe(1);
    expect(userList.bound.offboarding).toBe(20 * 3600);
    const twice = row(capacityRows(measured({ offboarding: { ...measured().offboarding, 'cognito-idp:ListUsers': 2 } })), 'Cognito UserList');
    expect(twice.bound.offboarding).toBe((20 * 3600) / 2);
  });

  it('names the quota with the smallest bound as the one that binds first, in each scenario', () => {
    const rows = capacityRows(measured());
    const first = bindingFirst(rows);
    const smallest = Math.min(...rows.map((r) => r.bound.offboarding ?? Infinity));

    expect(first.newUser?.quota.name).toBe('IoT AttachPolicy');
    expect(first.offboarding?.bound).toBe(smallest);
    expect(first.offboarding?.quota.name).toBe('DeleteIdentities');
  });

  it('moves the binding quota when another quota becomes the smaller bound', () => {
    const heavy = measured({ signInNew: { ...measured().signInNew, 'cognito-idp:AdminUpdateUserAttributes': 3 } });

    // UserUpdate: 25 × 3600 / 3 = 30,000 new users an hour, below AttachPolicy's 43,200.
    expect(bindingFirst(capacityRows(heavy)).newUser).toMatchObject({ quota: { name: 'Cognito UserUpdate' }, bound: 30_000 });
  });

  it('gives a quota without a published figure no bound, so it never binds first', () => {
    const rows = capacityRows(measured({ offboarding: { 'cognito-identity:LookupDeveloperIdentity': 1000 } }));

    expect(row(rows, 'LookupDeveloperIdentity').bound.offboarding).toBeUndefined();
    expect(bindingFirst(rows).offboarding?.quota.name).not.toBe('LookupDeveloperIdentity');
  });

  it('bounds concurrent connections by the connections a user in use holds, not by a rate', () => {
    const connections = row(capacityRows(measured(), { ...USAGE, devicesPerUser: 3 }), 'IoT concurrent connections');

    expect(connections.calls.hourOfUse).toBe(4);
    expect(connections.bound.hourOfUse).toBe(500_000 / 4);
    expect(connections.bound.newUser).toBe(Infinity);
  });
});

describe('an hour of use', () => {
  it('re-validates trust once per command while commands are further apart than the window', () => {
    const hour = hourOfUse(measured(), { ...USAGE, commandsPerHour: 10, trustWindowSeconds: 300 });

    // The renewal's GET /iot/credentials, the first (cold) command, 9 more past the window.
    expect(hour['cognito-idp:AdminGetUser']).toBe(11);
    expect(hour['iot:Publish']).toBe(10);
  });

  it('re-validates at most once per window however many commands there are', () => {
    const hour = hourOfUse(measured(), { ...USAGE, commandsPerHour: 600, trustWindowSeconds: 300 });

    expect(hour['cognito-idp:AdminGetUser']).toBe(1 + 12);
  });

  it('counts no second credential fetch for commands in a SigV4 hour: the renewal filled the API cache', () => {
    const sigv4 = hourOfUse(measured(), { ...USAGE, session: 'sigv4', commandsPerHour: 10 });
    const authorizer = hourOfUse(measured(), { ...USAGE, session: 'authorizer', commandsPerHour: 10 });

    expect(sigv4['cognito-identity:GetOpenIdTokenForDeveloperIdentity']).toBe(1);
    expect(authorizer['cognito-identity:GetOpenIdTokenForDeveloperIdentity']).toBe(1);
    expect(authorizer['iot:DescribeThing']).toBe(10);
    expect(authorizer['iot:Publish']).toBe(10);
  });

  it('invokes the custom authorizer at each connect and each policy refresh in between', () => {
    const hour = hourOfUse(measured(), { ...USAGE, session: 'authorizer', commandsPerHour: 0, authorizerRefreshSeconds: 300 });

    expect(hour['cognito-idp:AdminGetUser']).toBe(12);
    expect(hour[METERED.connect]).toBe(1);
    expect(hour['cognito-identity:GetCredentialsForIdentity']).toBeUndefined();
  });

  it('scales the per-hour bound with the commands a user sends', () => {
    const publish = (k: number) => row(capacityRows(measured(), { ...USAGE, commandsPerHour: k }), 'IoT inbound publish');

    expect(publish(20).calls.hourOfUse).toBe(2 * publish(10).calls.hourOfUse);
  });
});

describe('measured inputs', () => {
  it('takes a re-validation to cost what the re-validating API calls spent beyond the calls inside the window', () => {
    const results = {
      onboarding: { sessionCalls: { newUser: {}, returningUser: {}, tokenRefresh: {}, reconnect: {}, users: { new: 1, returning: 1, renewing: 1 } } },
      commands: { callsPerCommand: {}, handler: { firstCallCalls: {}, callsPerCall: { 'iot:Publish': 1 } }, handlerColdOwnership: { callsPerCall: { 'iot:Publish': 1, 'iot:DescribeThing': 1 } } },
      lifecycle: {
        authorizer: { callsPerConnect: {} },
        trust: { warmCalls: { 'sqs:ReceiveMessage': 2 }, revalidatingCalls: { 'sqs:ReceiveMessage': 1, 'cognito-idp:AdminGetUser': 1 } },
        deletion: { callsPerOffboarding: {} },
      },
    } as unknown as CapacityResults;

    const m = measuredCalls(results);

    expect(m).toMatchObject({ trustMiss: { 'cognito-idp:AdminGetUser': 1 }, ownershipMiss: { 'iot:DescribeThing': 1 } });
    expect('trustMiss' in m && m.trustMiss).not.toHaveProperty('sqs:ReceiveMessage');
  });

  it('prints, from the phases\' figures, which quota binds first', () => {
    const m = measured();
    const results = {
      onboarding: { sessionCalls: { newUser: m.signInNew, returningUser: m.signInReturning, tokenRefresh: m.tokenRefresh, reconnect: m.sigv4Reconnect } },
      commands: {
        callsPerCommand: m.commandWarm,
        handler: { firstCallCalls: m.commandFirst, callsPerCall: m.commandWarm },
        handlerColdOwnership: { callsPerCall: addCalls(m.commandWarm, m.ownershipMiss) },
      },
      lifecycle: { authorizer: { callsPerConnect: m.authorizerConnect }, trust: { warmCalls: {}, revalidatingCalls: m.trustMiss }, deletion: { callsPerOffboarding: m.offboarding } },
    } as unknown as CapacityResults;
    const rows: Array<{ metric: string; value: string }> = [];

    capacityReportRows(results, (r) => rows.push(r));

    expect(rows.find((r) => r.metric === 'binds first: new users')?.value).toBe('IoT AttachPolicy, 15/s (attach gate 12/s): 43,200 new users/h');
    expect(rows.find((r) => r.metric === 'binds first: users in use at once')?.value).toMatch(/^Cognito UserRead, 120\/s: 39,273 users in use$/);
  });

  it('says which phases a partial run lacks instead of printing bounds', () => {
    const rows: Array<{ metric: string; value: string }> = [];

    capacityReportRows({ onboarding: {} as CapacityResults['onboarding'] }, (r) => rows.push(r));

    expect(rows).toEqual([expect.objectContaining({ metric: 'not computed', value: expect.stringContaining('commands, lifecycle') })]);
  });

  it('lists each account-wide quota a user spends, each with its AWS page', () => {
    const names = ACCOUNT_QUOTAS.map((q) => q.name);

    for (const name of ['IoT AttachPolicy', 'IoT DetachPolicy', 'Cognito UserAuthentication', 'Cognito UserRead', 'Cognito UserList', 'GetOpenIdTokenForDeveloperIdentity', 'GetCredentialsForIdentity', 'LookupDeveloperIdentity', 'Step Functions StartExecution', 'Step Functions state transitions', 'IoT connect requests', 'IoT concurrent connections', 'IoT inbound publish']) {
      expect(names).toContain(name);
    }
    expect(ACCOUNT_QUOTAS.filter((q) => !q.page.startsWith('https://docs.aws.amazon.com/'))).toEqual([]);
  });
});
