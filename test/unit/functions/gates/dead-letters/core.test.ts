import { SendTaskFailureCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { failDeadLetters } from '../../../../../functions/gates/dead-letters/core';
import { awsError, IDENTITY_ID, recordingLog } from '../../../fixtures';

const sfnMock = mockClient(SFNClient);
const deps = (name: 'attach' | 'detach' | 'user-lookup' = 'attach') => ({ sfn: new SFNClient({ region: 'us-east-1' }), log: recordingLog(), gate: { name, maxReceiveCount: 5 } });
const record = (n: number) => ({ messageId: `m${n}`, body: JSON.stringify({ taskToken: `token-${n}`, identityId: IDENTITY_ID }) });

describe("a gate's dead-letter consumer", () => {
  beforeEach(() => {
    sfnMock.reset();
    sfnMock.on(SendTaskFailureCommand).resolves({});
  });

  it('fails each waiting execution with GateDeadLettered, naming the identity and the deliveries', async () => {
    expect(await failDeadLetters([record(1)], deps())).toEqual({ batchItemFailures: [] });
    expect(sfnMock.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toEqual({
      taskToken: 'token-1',
      error: 'GateDeadLettered',
      cause: `The attach gate could not serve ${IDENTITY_ID} in 5 deliveries; see the attach gate worker's log`,
    });
  });

  it('keeps a message whose answer failed transiently, and drops one whose execution no longer waits', async () => {
    sfnMock.on(SendTaskFailureCommand, { taskToken: 'token-1' }).rejects(awsError('ServiceUnavailable', 503));
    sfnMock.on(SendTaskFailureCommand, { taskToken: 'token-2' }).rejects(awsError('TaskTimedOut', 400));
    expect(await failDeadLetters([record(1), record(2)], deps())).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });

  it("names the user-lookup gate and the offboarding input's sub for a ResolveIdentity message", async () => {
    const sub = '11111111-1111-4111-8111-111111111111';
    const body = JSON.stringify({ taskToken: 'token-9', input: { sub, reason: 'deleted' } });
    await failDeadLetters([{ messageId: 'm9', body }], deps('user-lookup'));
    expect(sfnMock.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toMatchObject({
      taskToken: 'token-9',
      error: 'GateDeadLettered',
      cause: expect.stringContaining(`The user-lookup gate could not serve ${sub}`),
    });
  });

  it('drops a reconciler check (nobody waits for it) without calling Step Functions', async () => {
    const d = deps('user-lookup');
    const body = JSON.stringify({ check: { identityId: IDENTITY_ID, windowStart: '2026-12-07T16:00:00.000Z' } });
    expect(await failDeadLetters([{ messageId: 'c1', body }], d)).toEqual({ batchItemFailures: [] });
    expect(sfnMock.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
    expect(d.log.lines[0]).toMatchObject({ level: 'warn', attributes: { gate: 'user-lookup', who: IDENTITY_ID } });
  });

  it('drops a malformed message with a log line saying why (nobody waits for it)', async () => {
    const d = deps();
    expect(await failDeadLetters([{ messageId: 'bad', body: 'not json' }], d)).toEqual({ batchItemFailures: [] });
    expect(d.log.lines[0]).toMatchObject({ level: 'error', attributes: { messageId: 'bad', reason: expect.stringMatching(/not JSON; expected a gate message/) } });
  });
});
