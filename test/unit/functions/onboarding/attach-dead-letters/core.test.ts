import { SendTaskFailureCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { failDeadLetters } from '../../../../../functions/onboarding/attach-dead-letters/core';
import { awsError, IDENTITY_ID, recordingLog } from '../../../fixtures';

const sfnMock = mockClient(SFNClient);
const deps = () => ({ sfn: new SFNClient({ region: 'us-east-1' }), log: recordingLog(), maxReceiveCount: 5 });
const record = (n: number) => ({ messageId: `m${n}`, body: JSON.stringify({ taskToken: `token-${n}`, identityId: IDENTITY_ID }) });

describe("the attach gate's dead-letter consumer", () => {
  beforeEach(() => {
    sfnMock.reset();
    sfnMock.on(SendTaskFailureCommand).resolves({});
  });

  it('fails each waiting execution with GateDeadLettered, naming the identity and the deliveries', async () => {
    expect(await failDeadLetters([record(1)], deps())).toEqual({ batchItemFailures: [] });
    expect(sfnMock.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toEqual({
      taskToken: 'token-1',
      error: 'GateDeadLettered',
      cause: `The attach gate could not attach the policy to ${IDENTITY_ID} in 5 deliveries; see the attach worker's log`,
    });
  });

  it('keeps a message whose answer failed transiently, and drops one whose execution no longer waits', async () => {
    sfnMock.on(SendTaskFailureCommand, { taskToken: 'token-1' }).rejects(awsError('ServiceUnavailable', 503));
    sfnMock.on(SendTaskFailureCommand, { taskToken: 'token-2' }).rejects(awsError('TaskTimedOut', 400));
    expect(await failDeadLetters([record(1), record(2)], deps())).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });

  it('drops a malformed message with a log line saying why (nobody waits for it)', async () => {
    const d = deps();
    expect(await failDeadLetters([{ messageId: 'bad', body: '{}' }], d)).toEqual({ batchItemFailures: [] });
    expect(d.log.lines[0]).toMatchObject({ level: 'error', attributes: { messageId: 'bad', reason: expect.stringMatching(/taskToken/) } });
  });
});
