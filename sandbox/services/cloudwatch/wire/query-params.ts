/** Members whose form value is not text: the integers and booleans of GetMetricData's shapes. */
const SCALARS: Readonly<Record<string, 'integer' | 'boolean'>> = { Period: 'integer', MaxDatapoints: 'integer', ReturnData: 'boolean' };

type Node = { [key: string]: Node | string };

/** A value stays text when it is not of its member's type, so request validation names it. */
function scalar(name: string, value: string): unknown {
  const type = SCALARS[name];
  if (type === 'integer' && /^-?\d+$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function insert(node: Node, path: readonly string[], value: string): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    node[head] = value;
    return;
  }
  const child = node[head];
  const next: Node = typeof child === 'object' ? child : {};
  node[head] = next;
  insert(next, rest, value);
}

/** `{ member: { 1: a, 2: b } }` → `[a, b]` (by index, gaps tolerated); typed scalars by member name. */
function members(node: Node | string, name: string): unknown {
  if (typeof node === 'string') return scalar(name, node);
  const keys = Object.keys(node);
  const list = node['member'];
  if (keys.length === 1 && typeof list === 'object' && Object.keys(list).every((k) => /^\d+$/.test(k))) {
    return Object.keys(list)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => members(list[k] ?? '', name));
  }
  return Object.fromEntries(keys.map((key) => [key, members(node[key] ?? '', key)]));
}

/**
 * A query request's parameters as the JSON members the operation takes, so both protocols share
 * one implementation. CloudWatch's lists are not flattened: items are `<Name>.member.<N>`, nested
 * members `<Name>.<Member>` (AWS query protocol,
 * https://smithy.io/2.0/aws/protocols/aws-query-protocol.html): `MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=QueueName`
 * becomes `{ MetricDataQueries: [{ MetricStat: { Metric: { Dimensions: [{ Name: 'QueueName' }] } } }] }`.
 * An empty value names an empty list (`MetricDataQueries=`).
 */
export function queryParamsToInput(params: URLSearchParams): Record<string, unknown> {
  const root: Node = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    if (value === '' && !key.includes('.')) root[key] = { member: {} };
    else insert(root, key.split('.'), value);
  }
  return members(root, '') as Record<string, unknown>;
}
