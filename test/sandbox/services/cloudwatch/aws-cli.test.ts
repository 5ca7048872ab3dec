import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { runAwsCli, type CliRun } from '../../../support/aws-cli';
import { cloudWatchFixture } from '../../../support/cloudwatch-fixture';
import { fileFixture } from '../../../support/file-fixture';

/**
 * The AWS CLI installed on this machine image (AWS CLI 1.45 on botocore 1.43), spawned as an
 * operator would run it. CloudWatch's model in botocore 1.43 lists
 * `"protocols": ["smithy-rpc-v2-cbor", "json", "query"]` and botocore picks the first it ranks
 * highest, `json`: the CLI speaks AWS JSON 1.0, as its --debug log shows. It finds the sandbox
 * through AWS_ENDPOINT_URL_CLOUDWATCH, the variable the sandbox prints. It signs with the
 * machine's clock: the sandbox clock moves less than SigV4's five minutes of allowed skew here.
 */
const f = fileFixture(() => cloudWatchFixture());

/** Runs `aws cloudwatch …` against the sandbox's CloudWatch. */
function aws(args: string[]): Promise<CliRun> {
  return runAwsCli(['cloudwatch', ...args, '--output', 'json'], { AWS_ENDPOINT_URL_CLOUDWATCH: f.server.url });
}

const metricQuery = (Id: string, MetricName: string, queueName: string, Stat: string) => ({
  Id,
  MetricStat: { Metric: { Namespace: 'AWS/SQS', MetricName, Dimensions: [{ Name: 'QueueName', Value: queueName }] }, Period: 60, Stat },
});

/** `aws cloudwatch get-metric-data` over the last five minutes of the sandbox clock. */
function getMetricData(queries: object[], extra: string[] = []): Promise<CliRun> {
  const now = f.clock.now();
  return aws(['get-metric-data', '--metric-data-queries', JSON.stringify(queries), '--start-time', new Date(now - 300_000).toISOString(), '--end-time', new Date(now + 1000).toISOString(), ...extra]);
}

describe('CloudWatch with the AWS CLI (aws-cli 1.45, AWS JSON 1.0)', () => {
  it("reads a queue's age of oldest message and its deletions, speaking AWS JSON 1.0", async () => {
    const QueueUrl = await f.newQueue();
    const queueName = QueueUrl.split('/').pop() ?? '';
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'first' }));
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'second' }));
    const { Messages } = await f.sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    await f.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages?.[0]?.ReceiptHandle ?? '' }));
    f.clock.advance(42_000);
    const run = await getMetricData([metricQuery('age', 'ApproximateAgeOfOldestMessage', queueName, 'Maximum'), metricQuery('deleted', 'NumberOfMessagesDeleted', queueName, 'Sum')], ['--debug']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("'X-Amz-Target': b'GraniteServiceVersion20100801.GetMetricData'");
    expect(run.stderr).toContain("'Content-Type': b'application/x-amz-json-1.0'");
    const out = JSON.parse(run.stdout) as { MetricDataResults: Array<{ Id: string; Label: string; Timestamps: number[]; Values: number[]; StatusCode: string }> };
    const [age, deleted] = out.MetricDataResults;
    expect(age).toMatchObject({ Id: 'age', Label: 'ApproximateAgeOfOldestMessage', StatusCode: 'Complete' });
    // The newest datapoint: the current minute's, 42 s after the send (the second message is still there).
    expect(age?.Values[0]).toBe(42);
    // AWS CLI v1 prints timestamps as the wire carries them (cli_timestamp_format "none"): epoch seconds.
    expect(age?.Timestamps[0]).toBe(Math.floor(f.clock.now() / 60_000) * 60);
    expect(deleted?.Values.reduce((sum, v) => sum + v, 0)).toBe(1);
  });

  it('gets the query code and message of a refusal', async () => {
    const run = await getMetricData([{ Id: 'q', MetricStat: { Metric: { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization' }, Period: 60, Stat: 'Average' } }]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('An error occurred (InvalidParameterValue) when calling the GetMetricData operation: ');
    expect(run.stderr).toContain('has metrics in AWS/SQS only, not in AWS/EC2');
  });
});
