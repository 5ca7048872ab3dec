import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SqsCallNotice } from '../../../../sandbox/services/sqs/service';
import { runAwsCli, type CliRun } from '../../../support/aws-cli';
import { fileFixture } from '../../../support/file-fixture';
import { sqsFixture } from '../../../support/sqs-fixture';

/**
 * The AWS CLI installed on this machine image (AWS CLI 1.45 on botocore 1.43), spawned as an
 * operator would run it. Its SQS model says `"protocol": "json"`: it speaks AWS JSON 1.0, which
 * its --debug log and the server's view of each call show. It needs `--endpoint-url`: AWS CLI v1
 * ignores AWS_ENDPOINT_URL_SQS for SQS (its overridesslcommonname customization pins
 * `https://<region>.queue.amazonaws.com` unless --endpoint-url is given).
 */
const calls: SqsCallNotice[] = [];
const f = fileFixture(() => sqsFixture({ onCall: (call) => calls.push(call) }));

/** Runs `aws sqs …` against the sandbox's SQS. */
function aws(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runAwsCli(['sqs', ...args, '--output', 'json', '--endpoint-url', f.server.url], env);
}

async function ok(args: string[]): Promise<Record<string, unknown>> {
  const run = await aws(args);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.stdout.trim() === '' ? {} : (JSON.parse(run.stdout) as Record<string, unknown>);
}

describe('SQS with the AWS CLI (aws-cli 1.45, AWS JSON 1.0)', () => {
  let queueUrl: string;

  it('speaks AWS JSON 1.0 to SQS: X-Amz-Target AmazonSQS.<Operation>, application/x-amz-json-1.0', async () => {
    const run = await aws(['create-queue', '--queue-name', 'cli-queue', '--attributes', 'VisibilityTimeout=30', '--debug']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("'X-Amz-Target': b'AmazonSQS.CreateQueue'");
    expect(run.stderr).toContain("'Content-Type': b'application/x-amz-json-1.0'");
    queueUrl = (JSON.parse(run.stdout) as { QueueUrl: string }).QueueUrl;
    expect(queueUrl).toBe(`${f.server.url}/000000000000/cli-queue`);
    expect(calls.at(-1)).toMatchObject({ operation: 'CreateQueue', protocol: 'json', userAgent: expect.stringMatching(/^aws-cli\/1\.\d+/) });
  });

  it('sends, receives and deletes a message', async () => {
    const sent = await ok(['send-message', '--queue-url', queueUrl, '--message-body', 'from the CLI', '--message-attributes', '{"k":{"DataType":"String","StringValue":"v"}}']);
    expect(sent).toMatchObject({ MD5OfMessageBody: createHash('md5').update('from the CLI').digest('hex'), MessageId: expect.any(String) });
    const received = await ok(['receive-message', '--queue-url', queueUrl, '--attribute-names', 'All', '--message-attribute-names', 'All']);
    const [message] = received['Messages'] as Array<{ Body: string; ReceiptHandle: string; Attributes: Record<string, string>; MessageAttributes: unknown }>;
    expect(message).toMatchObject({ Body: 'from the CLI', Attributes: { ApproximateReceiveCount: '1' }, MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } });
    await ok(['delete-message', '--queue-url', queueUrl, '--receipt-handle', message?.ReceiptHandle ?? '']);
    const attributes = await ok(['get-queue-attributes', '--queue-url', queueUrl, '--attribute-names', 'All']);
    expect(attributes['Attributes']).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0', VisibilityTimeout: '30' });
  });

  it("redelivers a message once the visibility timeout has passed on the sandbox clock", async () => {
    await ok(['send-message', '--queue-url', queueUrl, '--message-body', 'again']);
    await ok(['receive-message', '--queue-url', queueUrl]);
    f.clock.advance(30_000);
    const received = await ok(['receive-message', '--queue-url', queueUrl, '--attribute-names', 'ApproximateReceiveCount']);
    expect(received['Messages']).toMatchObject([{ Body: 'again', Attributes: { ApproximateReceiveCount: '2' } }]);
  });

  it('shows the query error code for an unknown queue and a bad MaxNumberOfMessages', async () => {
    const missing = await aws(['get-queue-url', '--queue-name', 'no-such-queue']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the GetQueueUrl operation: The specified queue does not exist.');
    const tooMany = await aws(['receive-message', '--queue-url', queueUrl, '--max-number-of-messages', '11']);
    expect(tooMany.stderr).toContain('An error occurred (InvalidParameterValue) when calling the ReceiveMessage operation: Value 11 for parameter MaxNumberOfMessages is invalid.');
  });

  it('is refused with SignatureDoesNotMatch when its secret key is wrong', async () => {
    const run = await aws(['list-queues'], { AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    expect(run.stderr).toContain('An error occurred (SignatureDoesNotMatch) when calling the ListQueues operation');
  });
});
