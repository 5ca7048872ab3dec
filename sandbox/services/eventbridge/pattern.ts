/**
 * EventBridge event patterns ("Amazon EventBridge event patterns",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html):
 * - a pattern is a JSON object whose fields mirror the event's; every field named must match
 *   (AND), fields not named are ignored;
 * - a leaf is an array of alternatives (OR): exact strings, numbers, booleans or null, or content
 *   filters; "the event must contain the field", except `{ "exists": false }`;
 * - an array in the event matches when any of its elements matches ("If the value in the event is
 *   an array, then the event pattern matches if the intersection of the pattern array and the
 *   event array is non-empty");
 * - content filters implemented: `prefix`, `suffix`, `exists`, `anything-but` (value, list or
 *   `{ prefix }`), `equals-ignore-case`
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).
 * Numeric ranges, `cidr`, `wildcard` and `$or` are not implemented and throw.
 */
export type EventPattern = { readonly [field: string]: EventPattern | readonly PatternValue[] };
export type PatternValue = string | number | boolean | null | ContentFilter;
export type ContentFilter = { readonly [operator: string]: unknown };

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const MISSING = Symbol('missing');

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function anythingBut(arg: unknown, value: Json): boolean {
  if (isObject(arg) && typeof arg['prefix'] === 'string') return typeof value === 'string' && !value.startsWith(arg['prefix']);
  const excluded = Array.isArray(arg) ? arg : [arg];
  return !excluded.some((x) => x === value);
}

/** One content filter against one (scalar) event value. */
function matchesFilter(filter: ContentFilter, value: Json | typeof MISSING): boolean {
  const entries = Object.entries(filter);
  if (entries.length !== 1) throw new Error(`Unsupported content filter ${JSON.stringify(filter)}`);
  const [operator, arg] = entries[0] as [string, unknown];
  if (operator === 'exists') return arg === (value !== MISSING);
  if (value === MISSING) return false;
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && typeof arg === 'string' && value.startsWith(arg);
    case 'suffix':
      return typeof value === 'string' && typeof arg === 'string' && value.endsWith(arg);
    case 'equals-ignore-case':
      return typeof value === 'string' && typeof arg === 'string' && value.toLowerCase() === arg.toLowerCase();
    case 'anything-but':
      return anythingBut(arg, value);
    default:
      throw new Error(`Unsupported content filter "${operator}" (the sandbox implements exact values, prefix, suffix, exists, anything-but, equals-ignore-case)`);
  }
}

function matchesLeaf(alternatives: readonly PatternValue[], value: Json | typeof MISSING): boolean {
  // An array in the event matches when any element matches; `exists` looks at the field itself.
  const candidates: Array<Json | typeof MISSING> = Array.isArray(value) ? value : [value];
  return alternatives.some((alternative) => {
    if (isObject(alternative)) {
      if ('exists' in alternative) return matchesFilter(alternative, Array.isArray(value) && value.length === 0 ? MISSING : value);
      return candidates.some((candidate) => matchesFilter(alternative, candidate));
    }
    return candidates.some((candidate) => candidate !== MISSING && candidate === alternative);
  });
}

function field(event: Json | typeof MISSING, key: string): Json | typeof MISSING {
  if (!isObject(event) || !Object.hasOwn(event, key)) return MISSING;
  return (event as Record<string, Json>)[key] ?? null;
}

/** True when the event matches the pattern (EventBridge semantics above). */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    const value = field(event as Json, key);
    if (Array.isArray(sub)) return matchesLeaf(sub as readonly PatternValue[], value);
    // A nested pattern over an array of objects matches when any element does.
    if (Array.isArray(value)) return value.some((element) => matchesPattern(sub as EventPattern, element));
    return matchesPattern(sub as EventPattern, value === MISSING ? undefined : value);
  });
}
