import { existsSync } from 'node:fs';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { runBotocore, VENDORED_BOTOCORE } from '../../../support/botocore';
import { cloudWatchFixture } from '../../../support/cloudwatch-fixture';
import { fileFixture } from '../../../support/file-fixture';

/**
 * A query-protocol client of another implementation: the vendored botocore 1.34.22 (botocore.ts).
 * Its CloudWatch model predates CloudWatch's move to JSON (`"protocol": "query"`): it sends
 * `Action=GetMetricData&Version=2010-08-01` with `MetricDataQueries.member.N…` form members and
 * ISO 8601 times, and parses the XML answer (timestamps, doubles, lists of `member`) with
 * botocore's own parser. It signs with the machine's clock, which the sandbox clock here stays
 * within SigV4's allowed skew of.
 */
const SCRIPT = String.raw`
import json, sys, datetime
import boto3, botocore
endpoint, queue, now = sys.argv[1], sys.argv[2], float(sys.argv[3])
client = boto3.session.Session(region_name='us-east-1').client('cloudwatch', endpoint_url=endpoint)
end = datetime.datetime.fromtimestamp(now + 1, datetime.timezone.utc)
start = end - datetime.timedelta(minutes=5)
def q(Id, name, stat):
    return {'Id': Id, 'MetricStat': {'Metric': {'Namespace': 'AWS/SQS', 'MetricName': name, 'Dimensions': [{'Name': 'QueueName', 'Value': queue}]}, 'Period': 60, 'Stat': stat}}
res = client.get_metric_data(MetricDataQueries=[q('sent', 'NumberOfMessagesSent', 'Sum'), q('age', 'ApproximateAgeOfOldestMessage', 'Maximum')], StartTime=start, EndTime=end, ScanBy='TimestampAscending')
out = {'botocore': botocore.__version__, 'protocol': client.meta.service_model.protocol,
  'results': [{'Id': r['Id'], 'Label': r['Label'], 'Timestamps': [t.timestamp() for t in r['Timestamps']], 'Values': r['Values'], 'StatusCode': r['StatusCode']} for r in res['MetricDataResults']]}
try:
    client.get_metric_data(MetricDataQueries=[q('p', 'NumberOfMessagesSent', 'p99')], StartTime=start, EndTime=end)
except Exception as e:
    err = e.response['Error']
    out['error'] = {'class': type(e).__name__, 'code': err['Code'], 'type': err.get('Type'), 'message': err['Message'], 'status': e.response['ResponseMetadata']['HTTPStatusCode']}
print(json.dumps(out))
`;

interface BotocoreRun {
  readonly botocore: string;
  readonly protocol: string;
  readonly results: ReadonlyArray<{ Id: string; Label: string; Timestamps: number[]; Values: number[]; StatusCode: string }>;
  readonly error: unknown;
}

const f = fileFixture(() => cloudWatchFixture());

/** The script against the sandbox's CloudWatch, for one queue's metrics, up to the sandbox clock's now. */
function getMetricData(queueName: string): Promise<BotocoreRun> {
  return runBotocore<BotocoreRun>(SCRIPT, [f.server.url, queueName, String(f.clock.now() / 1000)]);
}

describe('CloudWatch with botocore 1.34 (AWS query protocol)', () => {
  it('reads the sends of each minute and the age of the oldest message from the XML answer', async () => {
    expect(existsSync(VENDORED_BOTOCORE), `${VENDORED_BOTOCORE} (the Google Cloud CLI package) is part of the machine image`).toBe(true);
    // Five seconds into a minute: the queue, its sends and the read fall in the same one.
    const now = f.clock.now();
    f.clock.advance(Math.ceil(now / 60_000) * 60_000 - now + 5_000);
    const minute = Math.floor(f.clock.now() / 60_000) * 60_000;
    const QueueUrl = await f.newQueue();
    await f.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: ['a', 'b'].map((Id) => ({ Id, MessageBody: Id })) }));
    f.clock.advance(30_000);
    const out = await getMetricData(QueueUrl.split('/').pop() ?? '');
    expect([out.botocore, out.protocol]).toEqual(['1.34.22', 'query']);
    const [sent, age] = out.results;
    expect(sent).toMatchObject({ Id: 'sent', Label: 'NumberOfMessagesSent', StatusCode: 'Complete' });
    expect(sent?.Timestamps[0]).toBe(minute / 1000);
    expect(sent?.Values.reduce((sum, v) => sum + v, 0)).toBe(2);
    expect(age?.Values.at(-1)).toBe(30);
  });

  it("maps the XML error to botocore's ClientError by its query code", async () => {
    const out = await getMetricData('any-queue');
    expect(out.error).toEqual({
      class: 'InvalidParameterValueException',
      code: 'InvalidParameterValue',
      type: 'Sender',
      message: expect.stringContaining('The statistic p99 (MetricDataQueries.member.1.MetricStat.Stat) is not computed'),
      status: 400,
    });
  });
});
