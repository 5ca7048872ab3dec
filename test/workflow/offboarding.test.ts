import { DeleteIdentitiesCommand, LookupDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import {
  AdminDeleteUserAttributesCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DetachPolicyCommand, ListThingsCommand, ThrottlingException } from '@aws-sdk/client-iot';
import { DeleteThingShadowCommand, ListNamedShadowsForThingCommand } from '@aws-sdk/client-iot-data-plane';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteUserShadows } from '../../functions/offboarding/delete-shadows/core';
import { deviceReleaseBatch } from '../../functions/gates/device-release-worker/core';
import { recordOffboarding } from '../../functions/offboarding/record/core';
import { removeIdentity } from '../../functions/offboarding/remove-identity/core';
import { userLookupBatch } from '../../functions/gates/user-lookup-worker/core';
import { DeviceReleaseGate, UserLookupGate } from '../../functions/shared/gates/gates';
import { noCounter, silentLog } from '../../functions/shared/observability/logging';
import { SandboxClock } from '../../sandbox/app/clock';
import { TaskTokens } from '../../sandbox/services/stepfunctions/task-tokens';
import { createTaskHandlers, runDefinition } from '../../sandbox/services/stepfunctions/task-runtime';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../sandbox/wire/account';
import { answerTaskTokens, gateDouble, policyGateDouble, serveGates, type GateDouble } from '../support/gate-double';
import { startSqsQueueDouble } from '../support/sqs-queue-double';
import { OffboardingStates, renderOffboardingDefinition } from '../../statemachines/offboarding';
import { mockedClients } from '../support/mocked-clients';

const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const IDENTITY_ID = 'us-east-1:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const SUB = '6b1f4c2e-8a7d-4f5b-9c3e-2d1a0b9c8e7f';
const POOL_ID = 'us-east-1:11111111-2222-3333-4444-555555555555';
const USER_POOL_ID = 'us-east-1_Pool1';
const POLICY = 'IotOnboarding-user-iot';
const LOOKUP_QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/user-lookup';
const DETACH_QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/detach';
const RELEASE_QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/device-release';
const DEFINITION_TEXT = renderOffboardingDefinition({
  UserLookupQueueUrl: LOOKUP_QUEUE,
  DetachQueueUrl: DETACH_QUEUE,
  DeviceReleaseQueueUrl: RELEASE_QUEUE,
  DeleteShadowsFunctionArn: arn('shadows'),
  RemoveIdentityFunctionArn: arn('remove'),
  RecordResultFunctionArn: arn('record'),
});
const DEFINITION = JSON.parse(DEFINITION_TEXT) as object;

const { identityMock, idpMock, iotMock, iotDataMock, resetMocks, clients } = mockedClients();

let queue: Awaited<ReturnType<typeof startSqsQueueDouble>>;
let sqs: SQSClient;
let tokens: TaskTokens;
let clock: SandboxClock;
let gates: { lookup: GateDouble; detach: GateDouble; release: GateDouble };
let serving: ReturnType<typeof serveGates>;

/**
 * The gates' states send to the SQS queue double; the user-lookup and the detach gates are played
 * by their real worker cores over the mocked clients (gate-double.ts), answering the run's tokens.
 */
beforeEach(async () => {
  queue = await startSqsQueueDouble();
  sqs = new SQSClient({ region: 'us-east-1', endpoint: queue.url, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
  clock = new SandboxClock();
  tokens = new TaskTokens({ now: clock.now, timers: clock.timers });
  const sfn = answerTaskTokens(tokens);
  const { cognitoIdentity, idp, iot, iotData } = clients();
  gates = {
    lookup: gateDouble({
      gate: UserLookupGate,
      sfn,
      batch: (records, invocation) =>
        userLookupBatch(records, {
          ...invocation,
          cognitoIdentity,
          idp,
          sfn,
          identityPoolId: POOL_ID,
          userPoolId: USER_POOL_ID,
          offboardingStateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:offboarding',
          metrics: noCounter,
        }),
    }),
    detach: policyGateDouble('detach', { iot, sfn, policyName: POLICY }),
    release: gateDouble({ gate: DeviceReleaseGate, sfn, batch: (records, invocation) => deviceReleaseBatch(records, { ...invocation, iot, iotData, sfn, metrics: noCounter }) }),
  };
  const byQueue: Record<string, GateDouble> = { [LOOKUP_QUEUE]: gates.lookup, [DETACH_QUEUE]: gates.detach, [RELEASE_QUEUE]: gates.release };
  serving = serveGates(queue, (message) => byQueue[message.QueueUrl ?? ''] as GateDouble);
});

afterEach(async () => {
  serving.stop();
  sqs.destroy();
  await queue.close();
  expect(serving.errors).toEqual([]);
});

/** The real task cores, over SDK clients whose transport is mocked. */
function handlers() {
  const { cognitoIdentity, idp, iotData } = clients();
  return createTaskHandlers(DEFINITION, {
    lambdas: {
      [arn('shadows')]: (p) => deleteUserShadows(p, { iotData, log: silentLog }),
      [arn('remove')]: (p) => removeIdentity(p, { cognitoIdentity, log: silentLog }),
      [arn('record')]: (p) => recordOffboarding(p, { idp, userPoolId: USER_POOL_ID, log: silentLog, metrics: noCounter }),
    },
    sdk: {},
    sqs,
  });
}

const notFound = (message: string) => Object.assign(new Error(message), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
const throttled = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
let runs = 0;
const run = (options: { startAt?: string; input?: unknown } = {}) =>
  runDefinition(DEFINITION, options.input ?? { sub: SUB, reason: 'deleted' }, {
    handlers: handlers(),
    retryIntervalOverrides: 0,
    callbacks: tokens.forRun(`run-${++runs}`),
    now: clock.now,
    timers: clock.timers,
    ...(options.startAt ? { startAt: options.startAt } : {}),
  });

/** An identity pool with one developer identity that DeleteIdentities really removes. */
function statefulIdentity() {
  let exists = true;
  identityMock.on(LookupDeveloperIdentityCommand).callsFake((input: { DeveloperUserIdentifier?: string; IdentityId?: string }) => {
    if (!exists) throw notFound('Identity not found');
    if (input.DeveloperUserIdentifier && input.DeveloperUserIdentifier !== SUB) throw notFound('Identity not found');
    return { IdentityId: IDENTITY_ID, DeveloperUserIdentifierList: [SUB] };
  });
  identityMock.on(DeleteIdentitiesCommand).callsFake(() => {
    exists = false;
    return { UnprocessedIdentityIds: [] };
  });
}

/** A classic and one named shadow that DeleteThingShadow really removes. */
function statefulShadows() {
  const shadows = new Set(['', 'device_1']);
  iotDataMock.on(ListNamedShadowsForThingCommand).callsFake(() => ({ results: [...shadows].filter(Boolean) }));
  iotDataMock.on(DeleteThingShadowCommand).callsFake((input: { shadowName?: string }) => {
    if (!shadows.delete(input.shadowName ?? '')) throw notFound('No shadow exists');
    return { payload: new Uint8Array() };
  });
}

describe('offboarding workflow (real ASL, real task cores)', () => {
  beforeEach(() => {
    resetMocks();
    statefulIdentity();
    statefulShadows();
    idpMock.on(ListUsersCommand).resolves({ Users: [] });
    iotMock.on(DetachPolicyCommand).resolves({});
    iotMock.on(ListThingsCommand).resolves({ things: [] });
  });

  it('offboards a deleted user: detach, shadows, identity, record', async () => {
    const result = await run();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.succeededStates.map((s) => s.name)).toEqual([
      OffboardingStates.ResolveIdentity,
      OffboardingStates.ChooseAction,
      OffboardingStates.DetachPolicy,
      OffboardingStates.ReleaseDevices,
      OffboardingStates.DeleteShadows,
      OffboardingStates.RemoveIdentity,
      OffboardingStates.RecordResult,
    ]);
    expect(iotMock.commandCalls(DetachPolicyCommand)[0]?.args[0].input).toEqual({ policyName: POLICY, target: IDENTITY_ID });
    // ReleaseDevices looks up the identity's devices by the owner attribute (none here).
    expect(iotMock.commandCalls(ListThingsCommand)[0]?.args[0].input).toMatchObject({ attributeName: 'owner', attributeValue: IDENTITY_ID });
    expect(iotDataMock.commandCalls(DeleteThingShadowCommand).map((c) => c.args[0].input.shadowName)).toEqual(['device_1', undefined]);
    expect(identityMock.commandCalls(DeleteIdentitiesCommand)[0]?.args[0].input).toEqual({ IdentityIdsToDelete: [IDENTITY_ID] });
    expect(idpMock.commandCalls(AdminDeleteUserAttributesCommand)).toHaveLength(0);
    expect(idpMock.commandCalls(AdminUpdateUserAttributesCommand)).toHaveLength(0);
  });

  it('never resolves the identity with a call that can create or link one', async () => {
    await run();
    const lookups = identityMock.commandCalls(LookupDeveloperIdentityCommand).map((c) => c.args[0].input);
    expect(lookups[0]).toMatchObject({ IdentityPoolId: POOL_ID, DeveloperUserIdentifier: SUB });
    expect(identityMock.calls().every((c) => ['LookupDeveloperIdentityCommand', 'DeleteIdentitiesCommand'].includes(c.args[0].constructor.name))).toBe(true);
  });

  it('leaves an enabled user alone (stale event or re-enabled since)', async () => {
    idpMock.on(ListUsersCommand).resolves({ Users: [{ Username: 'alice', Enabled: true, Attributes: [{ Name: 'sub', Value: SUB }] }] });
    const result = await run({ input: { sub: SUB, reason: 'disabled' } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.succeededStates.map((s) => s.name)).toContain(OffboardingStates.UserStillActive);
    expect(iotMock.commandCalls(DetachPolicyCommand)).toHaveLength(0);
    expect(identityMock.commandCalls(DeleteIdentitiesCommand)).toHaveLength(0);
  });

  it('marks a disabled user offboarded and drops their identity attribute, so re-enabling onboards again', async () => {
    idpMock.on(ListUsersCommand).resolves({
      Users: [{ Username: 'alice', Enabled: false, Attributes: [{ Name: 'sub', Value: SUB }, { Name: 'custom:iot_onboarded', Value: '1' }, { Name: 'custom:identity_id', Value: IDENTITY_ID }] }],
    });
    idpMock.on(AdminGetUserCommand, { Username: 'alice' }).resolves({
      Username: 'alice',
      Enabled: false,
      UserAttributes: [{ Name: 'sub', Value: SUB }, { Name: 'custom:iot_onboarded', Value: '1' }, { Name: 'custom:identity_id', Value: IDENTITY_ID }],
    });
    idpMock.on(AdminUpdateUserAttributesCommand).resolves({});
    idpMock.on(AdminDeleteUserAttributesCommand).resolves({});
    const result = await run({ input: { sub: SUB, reason: 'disabled' } });
    // One ListUsers (the user-lookup gate's); RecordResult reads the user by name (UserRead).
    expect(idpMock.commandCalls(ListUsersCommand)).toHaveLength(1);
    expect(idpMock.commandCalls(AdminGetUserCommand)).toHaveLength(1);
    expect(result.status).toBe('SUCCEEDED');
    const update = idpMock.commandCalls(AdminUpdateUserAttributesCommand)[0]?.args[0].input;
    expect(update).toMatchObject({ UserPoolId: USER_POOL_ID, Username: 'alice' });
    expect(update?.UserAttributes).toEqual([{ Name: 'custom:iot_onboarded', Value: expect.stringMatching(/^off-\d+$/) }]);
    expect(idpMock.commandCalls(AdminDeleteUserAttributesCommand)[0]?.args[0].input).toEqual({
      UserPoolId: USER_POOL_ID,
      Username: 'alice',
      UserAttributeNames: ['custom:identity_id'],
    });
  });

  it('skips the IoT steps when the user never had an identity', async () => {
    identityMock.on(LookupDeveloperIdentityCommand).rejects(notFound('Identity not found'));
    const result = await run();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.succeededStates.map((s) => s.name)).not.toContain(OffboardingStates.DetachPolicy);
    expect(result.succeededStates.map((s) => s.name)).toContain(OffboardingStates.RecordResult);
  });

  it('the detach gate slows down and tries DetachPolicy again when throttled twice, then succeeds: no execution retries', async () => {
    iotMock.on(DetachPolicyCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({});
    const result = await run();
    expect(result.status).toBe('SUCCEEDED');
    expect(iotMock.commandCalls(DetachPolicyCommand)).toHaveLength(3);
    expect(gates.detach.deliveries).toHaveLength(1);
  });

  it('fails AT DetachPolicy with GateDeadLettered when throttling outlasts every delivery, and a redrive resumes there', async () => {
    iotMock.on(DetachPolicyCommand).rejects(throttled());
    const failed = await run();
    expect(failed.status).toBe('FAILED');
    expect(failed.failedState).toBe(OffboardingStates.DetachPolicy);
    expect(failed.error).toBe('GateDeadLettered');
    expect(gates.detach.deliveries.map((d) => d.receiveCount)).toEqual([1, 2, 3, 4, 5]);
    expect(identityMock.commandCalls(DeleteIdentitiesCommand)).toHaveLength(0);

    iotMock.on(DetachPolicyCommand).resolves({});
    identityMock.resetHistory();
    const resumed = await run({ startAt: failed.failedState as string, input: failed.failedStateInput });
    expect(resumed.status).toBe('SUCCEEDED');
    expect(resumed.succeededStates.map((s) => s.name)).not.toContain(OffboardingStates.ResolveIdentity);
    expect(identityMock.commandCalls(LookupDeveloperIdentityCommand)).toHaveLength(0);
    expect(identityMock.commandCalls(DeleteIdentitiesCommand)).toHaveLength(1);
  });

  it('the user-lookup gate waits out ListUsers throttling (paced, one message), then resolves', async () => {
    idpMock.on(ListUsersCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } })).resolves({ Users: [] });
    const result = await run();
    expect(result.status).toBe('SUCCEEDED');
    expect(idpMock.commandCalls(ListUsersCommand)).toHaveLength(2);
    expect(gates.lookup.deliveries).toHaveLength(1);
  });

  it('fails without retrying on a quota error (LimitExceededException is not throttling)', async () => {
    iotMock.on(DetachPolicyCommand).rejects(Object.assign(new Error('limit'), { name: 'LimitExceededException', $metadata: { httpStatusCode: 410 } }));
    const result = await run();
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Iot.LimitExceededException');
    expect(iotMock.commandCalls(DetachPolicyCommand)).toHaveLength(1);
  });

  it('is idempotent: a rerun after success finishes and deletes nothing twice', async () => {
    const input = { sub: SUB, identityId: IDENTITY_ID, reason: 'deleted' };
    expect((await run({ input })).status).toBe('SUCCEEDED');
    const deletes = iotDataMock.commandCalls(DeleteThingShadowCommand).length;
    const second = await run({ input });
    expect(second.status).toBe('SUCCEEDED');
    // The sub no longer resolves, so the given identity id is used; its shadows are already gone.
    expect(iotMock.commandCalls(DetachPolicyCommand).at(-1)?.args[0].input.target).toBe(IDENTITY_ID);
    expect(second.succeededStates.find((s) => s.name === 'DeleteShadows')?.output).toMatchObject({ shadows: { deleted: 0 } });
    expect(iotDataMock.commandCalls(DeleteThingShadowCommand).length).toBeGreaterThan(deletes);
  });

  it('refuses an identity id that belongs to another user, before touching anything', async () => {
    identityMock.on(LookupDeveloperIdentityCommand).callsFake((input: { DeveloperUserIdentifier?: string }) => {
      if (input.DeveloperUserIdentifier) throw notFound('Identity not found');
      return { IdentityId: IDENTITY_ID, DeveloperUserIdentifierList: ['99999999-8a7d-4f5b-9c3e-2d1a0b9c8e7f'] };
    });
    const result = await run({ input: { sub: SUB, identityId: IDENTITY_ID, reason: 'orphan' } });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('IdentityMismatch');
    expect(iotMock.commandCalls(DetachPolicyCommand)).toHaveLength(0);
  });

  it('offboards an orphan identity known only by its id', async () => {
    const result = await run({ input: { identityId: IDENTITY_ID, reason: 'orphan' } });
    expect(result.status).toBe('SUCCEEDED');
    expect(identityMock.commandCalls(LookupDeveloperIdentityCommand)[0]?.args[0].input).toMatchObject({ IdentityId: IDENTITY_ID });
    expect(identityMock.commandCalls(DeleteIdentitiesCommand)).toHaveLength(1);
  });
});
