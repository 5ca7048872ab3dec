import { GetMetricDataCommand, ListMetricsCommand, type MetricDataQuery, type ScanBy } from '@aws-sdk/client-cloudwatch';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../support/aws-error';
import { cloudWatchFixture } from '../../../support/cloudwatch-fixture';
import { fileFixture } from '../../../support/file-fixture';

const f = fileFixture(() => cloudWatchFixture());
const MINUTE = 60_000;

const nameOf = (queueUrl: string) => queueUrl.split('/').pop() ?? '';

/** Moves the sandbox clock to `seconds` past the start of the next minute, so a test knows which minute it is in. */
function toNextMinute(seconds = 5): number {
  const now = f.clock.now();
  f.clock.advance(Math.ceil(now / MINUTE) * MINUTE - now + seconds * 1000);
  return Math.floor(f.clock.now() / MINUTE) * MINUTE;
}

const query = (Id: string, MetricName: string, queueUrl: string, Stat = 'Maximum', Period = 60): MetricDataQuery => ({
  Id,
  MetricStat: { Metric: { Namespace: 'AWS/SQS', MetricName, Dimensions: [{ Name: 'QueueName', Value: nameOf(queueUrl) }] }, Period, Stat },
});

/** One query's datapoints over the last `minutes`, as [timestamp ms, value], in the answer's order. */
async function datapoints(q: MetricDataQuery, minutes = 10, ScanBy?: ScanBy): Promise<Array<[number, number]>> {
  const now = f.clock.now();
  const out = await f.cloudwatch.send(new GetMetricDataCommand({ MetricDataQueries: [q], StartTime: new Date(now - minutes * MINUTE), EndTime: new Date(now + 1), ...(ScanBy ? { ScanBy } : {}) }));
  const [result] = out.MetricDataResults ?? [];
  expect(result).toMatchObject({ Id: q.Id, StatusCode: 'Complete' });
  return (result?.Timestamps ?? []).map((t, i) => [t.getTime(), result?.Values?.[i] ?? Number.NaN]);
}

/**
 * Age datapoints as expected, to the second: the real milliseconds a test takes between its
 * clock moves can take a whole second off an age sampled at a minute's end.
 */
function expectAges(actual: Array<[number, number]>, expected: Array<[number, number]>): void {
  expect(actual.map(([t]) => t)).toEqual(expected.map(([t]) => t));
  actual.forEach(([, age], i) => expect(age).toBeOneOf([(expected[i]?.[1] ?? 0) - 1, expected[i]?.[1]]));
}

async function receiveAndDelete(QueueUrl: string): Promise<string> {
  const { Messages } = await f.sqs.send(new ReceiveMessageCommand({ QueueUrl }));
  const handle = Messages?.[0]?.ReceiptHandle ?? '';
  await f.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: handle }));
  return handle;
}

describe('CloudWatch GetMetricData over the AWS/SQS metrics (SDK v3, AWS JSON 1.0)', () => {
  it('reports the age of the oldest message, growing with the sandbox clock, one datapoint per minute stamped with its start', async () => {
    const QueueUrl = await f.newQueue();
    const minute = toNextMinute(5);
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'waiting' }));
    f.clock.advance(90_000);
    // 12:00:05 sent; 12:01:00 the first minute's sample (55 s); now 12:01:35, 90 s.
    expectAges(await datapoints(query('age', 'ApproximateAgeOfOldestMessage', QueueUrl)), [
      [minute + MINUTE, 90],
      [minute, 55],
    ]);
    f.clock.advance(60_000);
    expectAges((await datapoints(query('age', 'ApproximateAgeOfOldestMessage', QueueUrl))).slice(0, 1), [[minute + 2 * MINUTE, 150]]);
  });

  it('has no datapoint for the current minute once the queue is empty, and keeps the minutes before', async () => {
    const QueueUrl = await f.newQueue();
    const minute = toNextMinute(5);
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'soon gone' }));
    f.clock.advance(MINUTE);
    await receiveAndDelete(QueueUrl);
    expectAges(await datapoints(query('age', 'ApproximateAgeOfOldestMessage', QueueUrl)), [[minute, 55]]);
  });

  it('ages a message moved to the dead-letter queue from its move, not from its send', async () => {
    const deadLetterUrl = await f.newQueue();
    const { Attributes } = await f.sqs.send(new GetQueueAttributesCommand({ QueueUrl: deadLetterUrl, AttributeNames: ['QueueArn'] }));
    const QueueUrl = await f.newQueue({ VisibilityTimeout: '0', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: 1 }) });
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'poison' }));
    await f.sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    f.clock.advance(100_000);
    // The second receive moves it.
    await f.sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    f.clock.advance(20_000);
    const [[, age] = []] = await datapoints(query('age', 'ApproximateAgeOfOldestMessage', deadLetterUrl));
    expect(age).toBeOneOf([19, 20]);
  });

  it('counts the deletions of each minute, 0 in a minute without any, a repeated deletion included', async () => {
    const minute = toNextMinute(5);
    const QueueUrl = await f.newQueue();
    await f.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: ['a', 'b', 'c'].map((Id) => ({ Id, MessageBody: Id })) }));
    const handle = await receiveAndDelete(QueueUrl);
    await f.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: handle }));
    f.clock.advance(2 * MINUTE);
    await receiveAndDelete(QueueUrl);
    expect(await datapoints(query('deleted', 'NumberOfMessagesDeleted', QueueUrl, 'Sum'), 10, 'TimestampAscending')).toEqual([
      [minute, 2],
      [minute + MINUTE, 0],
      [minute + 2 * MINUTE, 1],
    ]);
    expect((await datapoints(query('sent', 'NumberOfMessagesSent', QueueUrl, 'Sum'), 10, 'TimestampAscending'))[0]).toEqual([minute, 3]);
  });

  it('groups the minutes into longer periods by the statistic asked for, from StartTime rounded down to the minute', async () => {
    const minute = toNextMinute(5);
    const QueueUrl = await f.newQueue();
    for (let i = 0; i < 3; i++) {
      await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}` }));
      f.clock.advance(MINUTE);
    }
    const out = await f.cloudwatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: [query('sum', 'NumberOfMessagesSent', QueueUrl, 'Sum', 180), query('samples', 'NumberOfMessagesSent', QueueUrl, 'SampleCount', 180), query('avg', 'NumberOfMessagesSent', QueueUrl, 'Average', 180)],
        StartTime: new Date(minute + 30_000),
        EndTime: new Date(minute + 3 * MINUTE),
      }),
    );
    expect(out.MetricDataResults?.map((r) => [r.Id, r.Timestamps?.map((t) => t.getTime()), r.Values])).toEqual([
      ['sum', [minute], [3]],
      ['samples', [minute], [3]],
      ['avg', [minute], [1]],
    ]);
  });

  it('answers no datapoints for a queue that does not exist, other dimensions, or another unit than the metric\'s', async () => {
    const QueueUrl = await f.newQueue();
    await f.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));
    expect(await datapoints(query('none', 'NumberOfMessagesSent', 'http://x/000000000000/no-such-queue', 'Sum'))).toEqual([]);
    const other = { Id: 'other', MetricStat: { Metric: { Namespace: 'AWS/SQS', MetricName: 'NumberOfMessagesSent', Dimensions: [{ Name: 'Queue', Value: nameOf(QueueUrl) }] }, Period: 60, Stat: 'Sum' } };
    expect(await datapoints(other)).toEqual([]);
    const wrongUnit = query('unit', 'ApproximateAgeOfOldestMessage', QueueUrl);
    expect(await datapoints({ ...wrongUnit, MetricStat: { ...wrongUnit.MetricStat, Unit: 'Count' } as MetricDataQuery['MetricStat'] })).toEqual([]);
  });

  it.each([
    ['another namespace', { Namespace: 'AWS/Lambda', MetricName: 'Errors' }, 'Sum', 60, 'has metrics in AWS/SQS only, not in AWS/Lambda'],
    ['a metric SQS does not publish here', { Namespace: 'AWS/SQS', MetricName: 'NumberOfEmptyReceives' }, 'Sum', 60, 'publishes ApproximateAgeOfOldestMessage, NumberOfMessagesDeleted, NumberOfMessagesSent in AWS/SQS, not NumberOfEmptyReceives'],
    ['a percentile', { Namespace: 'AWS/SQS', MetricName: 'NumberOfMessagesSent' }, 'p99', 60, 'The statistic p99 (MetricDataQueries.member.1.MetricStat.Stat) is not computed'],
    ['a period of 45 s', { Namespace: 'AWS/SQS', MetricName: 'NumberOfMessagesSent' }, 'Sum', 45, 'Period must be 1, 5, 10, 30 or a multiple of 60, not 45'],
  ])('refuses %s with InvalidParameterValue, saying what the sandbox serves', async (_what, Metric, Stat, Period, words) => {
    const now = f.clock.now();
    const refused = await errorOf(f.cloudwatch.send(new GetMetricDataCommand({ MetricDataQueries: [{ Id: 'q', MetricStat: { Metric, Stat, Period } }], StartTime: new Date(now - MINUTE), EndTime: new Date(now) })));
    expect(refused).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(refused.message).toContain(words);
  });

  it('refuses metric math, a StartTime not before EndTime, an Id not starting with a lowercase letter, and a NextToken it never issued', async () => {
    const now = f.clock.now();
    const send = (input: Partial<ConstructorParameters<typeof GetMetricDataCommand>[0]>) =>
      errorOf(f.cloudwatch.send(new GetMetricDataCommand({ MetricDataQueries: [{ Id: 'e', Expression: 'SUM(METRICS())' }], StartTime: new Date(now - MINUTE), EndTime: new Date(now), ...input })));
    expect(await send({})).toMatchObject({ name: 'InvalidParameterValueException', message: expect.stringContaining('metric math and Metrics Insights queries are not supported') });
    const q = query('q', 'NumberOfMessagesSent', 'http://x/0/q', 'Sum');
    expect(await send({ MetricDataQueries: [q], StartTime: new Date(now) })).toMatchObject({ name: 'InvalidParameterValueException', message: 'The parameter StartTime must be less than the parameter EndTime.' });
    expect(await send({ MetricDataQueries: [{ ...q, Id: 'Q1' }] })).toMatchObject({ name: 'InvalidParameterValueException', message: expect.stringContaining('must start with a lowercase letter') });
    expect(await send({ MetricDataQueries: [q], NextToken: 'abc' })).toMatchObject({ name: 'InvalidNextToken', status: 400 });
  });

  // The SDK names an error its model lacks by the query code of x-amzn-query-error (query compatibility).
  it('refuses an operation it does not serve, naming the one it does', async () => {
    expect(await errorOf(f.cloudwatch.send(new ListMetricsCommand({ Namespace: 'AWS/SQS' })))).toMatchObject({
      name: 'InvalidAction',
      status: 400,
      message: "The sandbox's CloudWatch serves GetMetricData only, not ListMetrics.",
    });
  });

  it('throttles as a fault rule says, after verifying the signature', async () => {
    f.faults.set('cloudwatch:GetMetricData', { failNext: 1, failWith: 'throttle' });
    const now = f.clock.now();
    const call = () => f.cloudwatch.send(new GetMetricDataCommand({ MetricDataQueries: [query('q', 'NumberOfMessagesSent', 'http://x/0/q', 'Sum')], StartTime: new Date(now - MINUTE), EndTime: new Date(now) }));
    expect(await errorOf(call())).toMatchObject({ name: 'Throttling', message: 'Rate exceeded', status: 400 });
    await expect(call()).resolves.toMatchObject({ MetricDataResults: [{ Id: 'q' }] });
  });
});
