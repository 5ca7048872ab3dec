import { DeletePolicyCommand, IoTClient, ListPolicyVersionsCommand, ListTargetsForPolicyCommand } from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { awsError } from '../../../fixtures';

const iotMock = mockClient(IoTClient);
const RESPONSE_URL = 'https://cloudformation-custom-resource-response.s3.amazonaws.com/presigned';

const deleteEvent = {
  RequestType: 'Delete',
  ResponseURL: RESPONSE_URL,
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/IotOnboarding/1',
  RequestId: 'req-1',
  LogicalResourceId: 'OffboardingPolicyCleanupResource',
  PhysicalResourceId: 'policy-cleanup-OffboardingPolicyCleanupResource',
  ResourceType: 'Custom::IotPolicyTargets',
  ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:cleanup', PolicyNames: ['IotOnboarding-user-iot'] },
};

/** A Lambda context 31 s before the timeout: 30 s of margin leave a budget of 1 s, too short for any wait. */
const context = { getRemainingTimeInMillis: () => 31_000, awsRequestId: 'lambda-req', functionName: 'cleanup' };

describe('policy cleanup handler (custom resource)', () => {
  const put = vi.fn(async (_url: string, _init: { body: string }) => new Response(null, { status: 200 }));
  let handler: (event: unknown, context: unknown) => Promise<void>;
  beforeAll(async () => {
    vi.stubGlobal('fetch', put);
    ({ handler } = (await import('../../../../../functions/stack/policy-cleanup/handler')) as never);
  });
  afterAll(() => {
    vi.unstubAllGlobals();
    iotMock.restore();
  });
  beforeEach(() => {
    put.mockClear();
    iotMock.reset();
    iotMock.on(ListTargetsForPolicyCommand).resolves({ targets: [] });
    iotMock.on(ListPolicyVersionsCommand).resolves({ policyVersions: [{ versionId: '1', isDefaultVersion: true }] });
  });
  const answer = () => JSON.parse(put.mock.calls[0]?.[1].body ?? '{}') as { Status: string; Reason: string };

  it('answers FAILED with the reason, not SUCCESS, while the detached policy cannot be deleted yet', async () => {
    iotMock.on(DeletePolicyCommand).rejects(awsError('DeleteConflictException', 409));
    await handler(deleteEvent, context);
    expect(put.mock.calls[0]?.[0]).toBe(RESPONSE_URL);
    expect(answer()).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('DeleteConflict') });
  });

  it('answers SUCCESS only after deleting the policy itself', async () => {
    iotMock.on(DeletePolicyCommand).resolves({});
    await handler(deleteEvent, context);
    expect(answer()).toMatchObject({ Status: 'SUCCESS' });
    expect(iotMock.commandCalls(DeletePolicyCommand)[0]?.args[0].input).toEqual({ policyName: 'IotOnboarding-user-iot' });
  });

  it('answers SUCCESS when the policy is already gone', async () => {
    iotMock.on(ListTargetsForPolicyCommand).rejects(awsError('ResourceNotFoundException', 404));
    await handler(deleteEvent, context);
    expect(answer()).toMatchObject({ Status: 'SUCCESS' });
  });
});
