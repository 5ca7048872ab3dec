import * as z from 'zod/mini';
import { validationMessage, valueAt } from '../../wire/validation';
import { CloudWatchErrors } from './errors';

/**
 * A timestamp as each protocol sends it: epoch seconds in AWS JSON 1.0, ISO 8601 text in the
 * query protocol (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html, timestamps
 * "date-time"). Read as epoch milliseconds.
 */
const timestamp = z.pipe(
  z.union([z.number(), z.string().check(z.refine((text) => !Number.isNaN(Date.parse(text))))]),
  z.transform((value) => (typeof value === 'number' ? Math.round(value * 1000) : Date.parse(value))),
);

const dimension = z.object({ Name: z.string(), Value: z.string() });
const metricStat = z.object({
  Metric: z.object({ Namespace: z.optional(z.string()), MetricName: z.optional(z.string()), Dimensions: z.optional(z.array(dimension)) }),
  Period: z.int(),
  Stat: z.string(),
  Unit: z.optional(z.string()),
});
const metricDataQuery = z.object({
  Id: z.string(),
  MetricStat: z.optional(metricStat),
  Expression: z.optional(z.string()),
  Label: z.optional(z.string()),
  ReturnData: z.optional(z.boolean()),
  Period: z.optional(z.int()),
  AccountId: z.optional(z.string()),
});

/** GetMetricData's members, as the service model shapes them (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html). */
const getMetricDataInput = z.object({
  MetricDataQueries: z.array(metricDataQuery),
  StartTime: timestamp,
  EndTime: timestamp,
  NextToken: z.optional(z.string()),
  ScanBy: z.optional(z.enum(['TimestampDescending', 'TimestampAscending'])),
  MaxDatapoints: z.optional(z.int()),
  LabelOptions: z.optional(z.object({ Timezone: z.optional(z.string()) })),
});

export type GetMetricDataInput = z.infer<typeof getMetricDataInput>;
export type MetricDataQuery = GetMetricDataInput['MetricDataQueries'][number];

/** A member path as the query protocol names it, the names CloudWatch's messages use: `MetricDataQueries.member.1.Id`. */
export function memberPath(path: readonly PropertyKey[]): string {
  return path.map((key) => (typeof key === 'number' ? `member.${key + 1}` : String(key))).join('.');
}

/**
 * Reads a GetMetricData request: an absent required member is MissingParameter, a member of the
 * wrong type InvalidParameterValue in the AWS validation wording of wire/validation.ts.
 */
export function parseGetMetricData(input: unknown): GetMetricDataInput {
  const parsed = getMetricDataInput.safeParse(input);
  if (parsed.success) return parsed.data;
  const missing = parsed.error.issues.find((issue) => issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined);
  if (missing) throw CloudWatchErrors.missingParameter(memberPath(missing.path));
  throw CloudWatchErrors.invalidParameterValue(validationMessage(parsed.error.issues, input, String));
}
