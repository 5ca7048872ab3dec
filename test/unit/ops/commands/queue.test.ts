import { CloudWatchClient, GetMetricDataCommand, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { queueCommand } from '../../../../ops/commands/queue';
import type { Clients, Targets } from '../../../../ops/context';

const sqsMock = mockClient(SQSClient);
const cloudwatchMock = mockClient(CloudWatchClient);
const url = (name: string) => `https://sqs.us-east-1.amazonaws.com/1/${name}`;
const endpoints = (name: string, ratePerSecond: number) => ({ queueUrl: url(name), deadLetterQueueUrl: url(`${name}-dlq`), ratePerSecond });
const targets = { gates: { attach: endpoints('attach', 12), detach: endpoints('detach', 12), 'user-lookup': endpoints('user-lookup', 8), 'device-release': endpoints('device-release', 4) } } as unknown as Targets;
/** 12:03:30 on the services' clock: 12:03 is the current, incomplete minute, 12:02 the latest complete one. */
const NOW = Date.UTC(2026, 11, 7, 12, 3, 30);
const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 12, minute));
const clients = () => ({ sqs: new SQSClient({ region: 'us-east-1' }), cloudwatch: new CloudWatchClient({ region: 'us-east-1' }), serviceNow: () => NOW }) as unknown as Clients;

function output() {
  const printed: unknown[] = [];
  const warnings: string[] = [];
  const out = { json: true, result: (value: unknown) => printed.push(value), progress: () => undefined, warn: (line: string) => warnings.push(line) };
  return { printed, warnings, out };
}

const series = (Id: string, points: Array<[minute: number, value: number]>): MetricDataResult => ({ Id, Timestamps: points.map(([m]) => at(m)), Values: points.map(([, v]) => v), StatusCode: 'Complete' });

describe('npm run admin -- queue', () => {
  beforeEach(() => {
    sqsMock.reset();
    cloudwatchMock.reset();
    sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: {} });
    sqsMock.on(GetQueueAttributesCommand, { QueueUrl: url('attach') }).resolves({ Attributes: { ApproximateNumberOfMessages: '25', ApproximateNumberOfMessagesNotVisible: '10' } });
    sqsMock.on(GetQueueAttributesCommand, { QueueUrl: url('attach-dlq') }).resolves({ Attributes: { ApproximateNumberOfMessages: '2', ApproximateNumberOfMessagesNotVisible: '1' } });
    sqsMock.on(GetQueueAttributesCommand, { QueueUrl: url('user-lookup') }).resolves({ Attributes: { ApproximateNumberOfMessages: '80', ApproximateNumberOfMessagesNotVisible: '0' } });
  });

  it("reports every gate's waiting, in-flight and dead-lettered messages, its deployed rate, how long the backlog drains at it, and CloudWatch's age and drain rate", async () => {
    cloudwatchMock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        series('age0', [[3, 95], [2, 40], [1, 5]]),
        // 12:03 is not over: the rate is 12:02's 300 deletions over 60 s.
        series('deleted0', [[3, 30], [2, 300], [1, 600]]),
        series('age1', []),
        series('deleted1', [[2, 0]]),
        series('age2', [[3, 12]]),
        series('deleted2', [[3, 7]]),
      ],
    });
    const { out, printed } = output();
    const backlogs = await queueCommand(clients(), targets, out);
    expect(backlogs).toEqual([
      { gate: 'attach', waiting: 25, inFlight: 10, deadLettered: 3, oldestAgeSeconds: 95, drainingPerSecond: 5, ratePerSecond: 12, drainSeconds: 3 },
      { gate: 'detach', waiting: 0, inFlight: 0, deadLettered: 0, oldestAgeSeconds: null, drainingPerSecond: 0, ratePerSecond: 12, drainSeconds: 0 },
      // The rate the stack was deployed with (QuotaGates output), not the default 20; no complete minute yet.
      { gate: 'user-lookup', waiting: 80, inFlight: 0, deadLettered: 0, oldestAgeSeconds: 12, drainingPerSecond: null, ratePerSecond: 8, drainSeconds: 10 },
      { gate: 'device-release', waiting: 0, inFlight: 0, deadLettered: 0, oldestAgeSeconds: null, drainingPerSecond: null, ratePerSecond: 4, drainSeconds: 0 },
    ]);
    expect(printed).toEqual([backlogs]);
  });

  it('reads both metrics of every gate in one GetMetricData call, by queue name, over the last five minutes of the services\' clock', async () => {
    cloudwatchMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    await queueCommand(clients(), targets, output().out);
    const calls = cloudwatchMock.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.StartTime).toEqual(new Date(Date.UTC(2026, 11, 7, 11, 58)));
    expect(input?.EndTime).toEqual(at(4));
    expect(input?.MetricDataQueries).toHaveLength(8);
    expect(input?.MetricDataQueries?.[4]).toEqual({
      Id: 'age2',
      MetricStat: { Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: 'user-lookup' }] }, Period: 60, Stat: 'Maximum' },
    });
    expect(input?.MetricDataQueries?.[5]?.MetricStat).toMatchObject({ Metric: { MetricName: 'NumberOfMessagesDeleted' }, Period: 60, Stat: 'Sum' });
  });

  it("shows no age for a queue SQS counts empty, whatever datapoint CloudWatch still holds from the minutes before", async () => {
    cloudwatchMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [series('age1', [[2, 300]])] });
    const [, detach] = await queueCommand(clients(), targets, output().out);
    expect(detach).toMatchObject({ gate: 'detach', waiting: 0, inFlight: 0, oldestAgeSeconds: null });
  });

  it('still reports the SQS figures when CloudWatch is unreachable, and says why on one stderr line', async () => {
    cloudwatchMock.on(GetMetricDataCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4582\n    at TCPConnectWrap'), { code: 'ECONNREFUSED' }));
    const { out, printed, warnings } = output();
    const backlogs = await queueCommand(clients(), targets, out);
    expect(backlogs.map((b) => [b.gate, b.waiting, b.oldestAgeSeconds, b.drainingPerSecond])).toEqual([
      ['attach', 25, null, null],
      ['detach', 0, null, null],
      ['user-lookup', 80, null, null],
      ['device-release', 0, null, null],
    ]);
    expect(printed).toEqual([backlogs]);
    expect(warnings).toEqual(['CloudWatch metrics unavailable, AGE OF OLDEST and DRAINING AT not shown: Cannot reach the endpoint (connect ECONNREFUSED 127.0.0.1:4582 at TCPConnectWrap). Is the sandbox running?']);
  });

  it('still reports the SQS figures when CloudWatch refuses the call', async () => {
    cloudwatchMock.on(GetMetricDataCommand).rejects(Object.assign(new Error('User is not authorized to perform: cloudwatch:GetMetricData'), { name: 'AccessDeniedException' }));
    const { out, warnings } = output();
    const backlogs = await queueCommand(clients(), targets, out);
    expect(backlogs[0]).toMatchObject({ waiting: 25, oldestAgeSeconds: null, drainingPerSecond: null });
    expect(warnings).toEqual(['CloudWatch metrics unavailable, AGE OF OLDEST and DRAINING AT not shown: AccessDeniedException: User is not authorized to perform: cloudwatch:GetMetricData']);
  });

  it('shows both columns in the table, "-" where there is no datapoint', async () => {
    cloudwatchMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [series('age0', [[3, 95]]), series('deleted0', [[2, 1]])] });
    const lines: string[] = [];
    await queueCommand(clients(), targets, { json: false, result: (_value: unknown, human: () => string) => lines.push(human()), progress: () => undefined, warn: () => undefined });
    const [header, attach, detach] = (lines[0] ?? '').split('\n');
    expect(header).toMatch(/^GATE\s+WAITING\s+IN FLIGHT\s+DEAD-LETTERED\s+AGE OF OLDEST\s+DRAINING AT\s+RATE\s+DRAINS IN$/);
    expect(attach).toMatch(/^attach\s+25\s+10\s+3\s+95 s\s+0\.02\/s\s+12\/s\s+3 s$/);
    expect(detach).toMatch(/^detach\s+0\s+0\s+0\s+-\s+-\s+12\/s\s+0 s$/);
  });
});
