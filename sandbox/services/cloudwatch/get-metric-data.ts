import { CloudWatchErrors } from './errors';
import { STANDARD_UNITS, type MetricSource, type Sample } from '../../wire/metric-source';
import { parseGetMetricData, type GetMetricDataInput, type MetricDataQuery } from './requests';
import { isStatistic, STATISTICS, type Statistic } from './statistics';

/** "A single GetMetricData call can include as many as 500 MetricDataQuery structures" (GetMetricData API). */
const MAX_QUERIES = 500;
/** MetricDataQuery Id: "The first character must be a lowercase letter" and the others "letters, numbers, and underscore". */
const QUERY_ID = /^[a-z][a-zA-Z0-9_]{0,254}$/;
/**
 * "For metrics with regular resolution, a period can be as short as one minute (60 seconds) and
 * must be a multiple of 60. For high-resolution metrics … the period can be 1, 5, 10, 30, 60, or
 * any multiple of 60" (MetricStat, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricStat.html).
 */
const HIGH_RESOLUTION_PERIODS: ReadonlySet<number> = new Set([1, 5, 10, 30]);
const MINUTE_MS = 60_000;

/** A query the sandbox can answer: one metric, its statistic and period. */
interface ResolvedQuery {
  readonly id: string;
  readonly label: string;
  readonly returnData: boolean;
  readonly source: MetricSource;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat: Statistic;
  readonly periodMs: number;
  readonly unit: string | undefined;
}

export interface MetricDataResult {
  readonly Id: string;
  readonly Label: string;
  readonly Timestamps: Date[];
  readonly Values: number[];
  readonly StatusCode: 'Complete';
  readonly Messages: [];
}

/**
 * GetMetricData (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html)
 * over the metrics the emulated services publish (`sources`, by namespace). StartTime is rounded
 * down to the minute ("Start time less than 15 days ago - Round down to the nearest whole
 * minute") and inclusive, EndTime exclusive; each period from the rounded StartTime with samples
 * is one datapoint, stamped with the period's start, newest first unless ScanBy says
 * TimestampAscending. Everything is answered in one page (no NextToken). What the sandbox does
 * not serve is refused, in InvalidParameterValue's words: metric math and Metrics Insights
 * (Expression), other namespaces and metrics, extended statistics.
 */
export function getMetricData(sources: ReadonlyMap<string, MetricSource>, now: () => number) {
  return (input: unknown): object => {
    const request = parseGetMetricData(input);
    checkRequest(request);
    const queries = resolveQueries(request.MetricDataQueries, sources);
    const startMs = Math.floor(request.StartTime / MINUTE_MS) * MINUTE_MS;
    const at = now();
    const results = queries
      .filter((q) => q.returnData)
      .map((q) => resultOf(q, q.source.samples(q.metricName, q.dimensions, at), { startMs, endMs: request.EndTime }, request.ScanBy ?? 'TimestampDescending'));
    const total = results.reduce((sum, r) => sum + r.Values.length, 0);
    if (request.MaxDatapoints !== undefined && total > request.MaxDatapoints) {
      throw CloudWatchErrors.invalidParameterValue(`The request found ${total} datapoints, more than MaxDatapoints ${request.MaxDatapoints}: the sandbox's CloudWatch does not paginate (no NextToken); ask for fewer.`);
    }
    return { MetricDataResults: results, Messages: [] };
  };
}

function checkRequest(request: GetMetricDataInput): void {
  if (request.NextToken !== undefined) throw CloudWatchErrors.invalidNextToken();
  const count = request.MetricDataQueries.length;
  if (count === 0 || count > MAX_QUERIES) throw CloudWatchErrors.invalidParameterValue(`The collection MetricDataQueries must hold 1 to ${MAX_QUERIES} queries, not ${count}.`);
  if (request.StartTime >= request.EndTime) throw CloudWatchErrors.invalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
  if (request.MaxDatapoints !== undefined && request.MaxDatapoints < 1) throw CloudWatchErrors.invalidParameterValue('The parameter MaxDatapoints must be greater than 0.');
}

function resolveQueries(queries: readonly MetricDataQuery[], sources: ReadonlyMap<string, MetricSource>): ResolvedQuery[] {
  const ids = new Set<string>();
  return queries.map((query, index) => {
    const where = `MetricDataQueries.member.${index + 1}`;
    if (!QUERY_ID.test(query.Id)) throw CloudWatchErrors.invalidParameterValue(`The value ${query.Id} for parameter ${where}.Id is invalid: it must start with a lowercase letter and hold only letters, digits and underscores.`);
    if (ids.has(query.Id)) throw CloudWatchErrors.invalidParameterValue(`The value ${query.Id} for parameter ${where}.Id is used by another query: Ids must be unique.`);
    ids.add(query.Id);
    if (query.Expression !== undefined && query.MetricStat !== undefined) throw CloudWatchErrors.invalidParameterCombination(`${where} must have exactly one of MetricStat and Expression.`);
    if (query.Expression !== undefined) {
      throw CloudWatchErrors.invalidParameterValue(`${where}.Expression: metric math and Metrics Insights queries are not supported by the sandbox's CloudWatch; query a metric with MetricStat.`);
    }
    if (query.MetricStat === undefined) throw CloudWatchErrors.missingParameter(`${where}.MetricStat`);
    return resolveMetricStat(query, query.MetricStat, where, sources);
  });
}

function resolveMetricStat(query: MetricDataQuery, stat: NonNullable<MetricDataQuery['MetricStat']>, where: string, sources: ReadonlyMap<string, MetricSource>): ResolvedQuery {
  const { Namespace, MetricName, Dimensions = [] } = stat.Metric;
  if (Namespace === undefined) throw CloudWatchErrors.missingParameter(`${where}.MetricStat.Metric.Namespace`);
  if (MetricName === undefined) throw CloudWatchErrors.missingParameter(`${where}.MetricStat.Metric.MetricName`);
  const source = sources.get(Namespace);
  if (!source) throw CloudWatchErrors.invalidParameterValue(`The sandbox's CloudWatch has metrics in ${[...sources.keys()].join(', ')} only, not in ${Namespace} (${where}.MetricStat.Metric.Namespace).`);
  if (!Object.hasOwn(source.units, MetricName)) {
    throw CloudWatchErrors.invalidParameterValue(`The sandbox publishes ${Object.keys(source.units).join(', ')} in ${Namespace}, not ${MetricName} (${where}.MetricStat.Metric.MetricName).`);
  }
  if (!isStatistic(stat.Stat)) throw CloudWatchErrors.invalidParameterValue(`The statistic ${stat.Stat} (${where}.MetricStat.Stat) is not computed by the sandbox's CloudWatch: use one of ${Object.keys(STATISTICS).join(', ')}.`);
  if (stat.Period < 1 || (stat.Period % 60 !== 0 && !HIGH_RESOLUTION_PERIODS.has(stat.Period))) {
    throw CloudWatchErrors.invalidParameterValue(`The parameter ${where}.MetricStat.Period must be 1, 5, 10, 30 or a multiple of 60, not ${stat.Period}.`);
  }
  if (stat.Unit !== undefined && !(STANDARD_UNITS as readonly string[]).includes(stat.Unit)) throw CloudWatchErrors.invalidParameterValue(`The value ${stat.Unit} for parameter ${where}.MetricStat.Unit is not a unit.`);
  return {
    id: query.Id,
    label: query.Label ?? MetricName,
    returnData: query.ReturnData ?? true,
    source,
    metricName: MetricName,
    dimensions: Object.fromEntries(Dimensions.map((d) => [d.Name, d.Value])),
    stat: stat.Stat,
    periodMs: stat.Period * 1000,
    unit: stat.Unit,
  };
}

/**
 * One query's datapoints: its samples grouped into periods. A Unit other than the metric's
 * matches nothing ("If you specify a unit that does not match the data collected, the results
 * of the operation are null. CloudWatch does not perform unit conversions", GetMetricData API).
 */
function resultOf(query: ResolvedQuery, samples: readonly Sample[], range: { startMs: number; endMs: number }, scanBy: string): MetricDataResult {
  const periods = new Map<number, number[]>();
  const unitMatches = query.unit === undefined || query.unit === query.source.units[query.metricName];
  for (const sample of unitMatches ? samples : []) {
    if (sample.minute < range.startMs || sample.minute >= range.endMs) continue;
    const periodStart = range.startMs + Math.floor((sample.minute - range.startMs) / query.periodMs) * query.periodMs;
    periods.set(periodStart, [...(periods.get(periodStart) ?? []), sample.value]);
  }
  const starts = [...periods.keys()].sort((a, b) => (scanBy === 'TimestampAscending' ? a - b : b - a));
  return {
    Id: query.id,
    Label: query.label,
    Timestamps: starts.map((start) => new Date(start)),
    Values: starts.map((start) => STATISTICS[query.stat](periods.get(start) ?? [])),
    StatusCode: 'Complete',
    Messages: [],
  };
}
