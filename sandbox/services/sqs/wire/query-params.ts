import type { QueryShape, StructShape } from './query-shapes';

/** The indexes N of `<base>.N…` keys, in order (clients number from 1; gaps are tolerated). */
function indexesOf(params: URLSearchParams, base: string): number[] {
  const indexes = new Set<number>();
  const prefix = `${base}.`;
  for (const key of params.keys()) {
    if (!key.startsWith(prefix)) continue;
    const match = /^(\d+)(\.|$)/.exec(key.slice(prefix.length));
    if (match) indexes.add(Number(match[1]));
  }
  return [...indexes].sort((a, b) => a - b);
}

function hasAny(params: URLSearchParams, key: string): boolean {
  for (const k of params.keys()) if (k === key || k.startsWith(`${key}.`)) return true;
  return false;
}

/** A query integer stays a string when it is not one, so request validation names it. */
function scalar(value: string, shape: 'string' | 'integer' | 'boolean'): unknown {
  if (shape === 'integer') return /^-?\d+$/.test(value) ? Number(value) : value;
  if (shape === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function decode(params: URLSearchParams, key: string, shape: QueryShape): unknown {
  if (typeof shape === 'string') {
    const value = params.get(key);
    return value === null ? undefined : scalar(value, shape);
  }
  if (!hasAny(params, key)) return undefined;
  switch (shape.kind) {
    case 'list':
      return indexesOf(params, key).map((n) => decode(params, `${key}.${n}`, shape.of));
    case 'map':
      return Object.fromEntries(indexesOf(params, key).map((n) => [params.get(`${key}.${n}.${shape.key}`) ?? '', decode(params, `${key}.${n}.Value`, shape.of)]));
    case 'struct':
      return decodeStruct(params, `${key}.`, shape);
  }
}

function decodeStruct(params: URLSearchParams, prefix: string, shape: StructShape): Record<string, unknown> {
  const members: Record<string, unknown> = {};
  for (const [name, [wire, memberShape]] of Object.entries(shape.members)) {
    const value = decode(params, `${prefix}${wire}`, memberShape);
    if (value !== undefined) members[name] = value;
  }
  return members;
}

/**
 * A query request's parameters as the JSON members the operations take, so both protocols share
 * one implementation: `Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=60` becomes
 * `{ Attributes: { VisibilityTimeout: '60' } }`, `SendMessageBatchRequestEntry.2.Id=b` becomes
 * `{ Entries: [ …, { Id: 'b' } ] }` (AWS query protocol: https://smithy.io/2.0/aws/protocols/aws-query-protocol.html).
 */
export function queryParamsToInput(params: URLSearchParams, shape: StructShape): Record<string, unknown> {
  return decodeStruct(params, '', shape);
}
