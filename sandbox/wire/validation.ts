import * as z from 'zod/mini';

/**
 * The sandbox's one way to validate a request: a zod/mini schema per operation (the product's
 * functions use zod/mini too), and violations worded the way AWS's JSON services word a
 * ValidationException: "2 validation errors detected: Value 'x' at 'name' failed to satisfy
 * constraint: Member must have length less than or equal to 80; ..." (the same wording as IoT's
 * CreatePolicy answer in services/iot/registry/policies.ts). zod/mini loads no message locale, so the
 * constraint text is built here from the issue, not taken from zod.
 */

type Issue = z.core.$ZodIssue;

export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function renderValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

function bound(issue: Issue & { origin: string; inclusive?: boolean }, limit: number | bigint | Date, direction: 'greater' | 'less'): string {
  const measure = issue.origin === 'string' || issue.origin === 'array' ? 'length' : 'value';
  return `Member must have ${measure} ${direction} than${issue.inclusive === false ? '' : ' or equal to'} ${String(limit)}`;
}

/** The constraint clause of one issue, in AWS's words. */
export function constraintOf(issue: Issue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined || value === null ? 'Member must not be null' : `Member must be of type ${issue.expected}`;
    case 'too_small':
      return bound(issue, issue.minimum, 'greater');
    case 'too_big':
      return bound(issue, issue.maximum, 'less');
    case 'invalid_value':
      return `Member must satisfy enum value set: [${issue.values.map(String).join(', ')}]`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue ? `Member must satisfy regular expression pattern: ${String(issue.pattern)}` : `Member must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `Member must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return `Member must not contain the field(s) ${issue.keys.join(', ')}`;
    default:
      return issue.message;
  }
}

/** How a member path is named in the message; AWS names `Username` as 'username' in Cognito's. */
export type MemberNaming = (key: PropertyKey) => string;

/** A member's path as AWS names it: list items count from 1 and say `member` ('userAttributes.1.member.name'). */
function pathName(path: readonly PropertyKey[], naming: MemberNaming): string {
  return path.map((key) => (typeof key === 'number' ? `${key + 1}.member` : naming(key))).join('.');
}

/** "N validation error(s) detected: Value … at '…' failed to satisfy constraint: …". */
export function validationMessage(issues: readonly Issue[], input: unknown, naming: MemberNaming = String): string {
  const clauses = issues.map((issue) => {
    const value = valueAt(input, issue.path);
    return `Value ${renderValue(value)} at '${pathName(issue.path, naming)}' failed to satisfy constraint: ${constraintOf(issue, value)}`;
  });
  return `${clauses.length} validation error${clauses.length === 1 ? '' : 's'} detected: ${clauses.join('; ')}`;
}

/**
 * "<where>.<path>: <constraint>" per issue, for documents that are not AWS API requests (state
 * machine definitions, the sandbox's own fault rules), in the same constraint words.
 */
export function documentIssues(issues: readonly Issue[], input: unknown, where?: string): string[] {
  return issues.map((issue) => {
    const path = [...(where === undefined ? [] : [where]), ...issue.path.map(String)].join('.') || '(root)';
    return `${path}: ${constraintOf(issue, valueAt(input, issue.path))}`;
  });
}

/** Parses `input` with `schema`; on a violation throws what `fail` makes of AWS's message. */
export function parseRequest<S extends z.ZodMiniType>(schema: S, input: unknown, fail: (message: string) => Error): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw fail(validationMessage(parsed.error.issues, input));
  return parsed.data;
}

/** Parses one member of `input` with `schema`; on a violation throws what `fail` makes of AWS's message. */
export function parseMember<S extends z.ZodMiniType>(schema: S, input: Readonly<Record<string, unknown>>, member: string, fail: (message: string) => Error, naming?: MemberNaming): z.infer<S> {
  const parsed = schema.safeParse(input[member]);
  if (!parsed.success) throw fail(validationMessage(parsed.error.issues.map((issue) => ({ ...issue, path: [member, ...issue.path] })), input, naming));
  return parsed.data;
}
