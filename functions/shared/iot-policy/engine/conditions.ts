import { contextValue, type RequestContext } from './request-context';
import { anyPatternMatches, hasUnresolvedVariable, type PatternOptions } from './patterns';

/**
 * The `Condition` element: `{ "<operator>": { "<key>": value | [values] } }`.
 * Semantics from "IAM JSON policy elements: Condition operators"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)
 * and "Condition element" / "multiple context keys or values"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html):
 *  - all operators of a block, and all keys of one operator, must hold (AND);
 *  - several values for one key: any may match (OR); for a negated operator none may (NOR);
 *  - a key absent from the request: false, except for the negated operators (true), `...IfExists`
 *    (true) and `Null` (which tests exactly that);
 *  - `ForAnyValue:` / `ForAllValues:` compare each value of a multi-valued key; the engine's keys
 *    are single-valued, so they reduce to the single value, and an absent key makes
 *    `ForAllValues` true and `ForAnyValue` false;
 *  - String and ARN operators accept policy variables in their values.
 * An unknown operator, or a value naming a variable this request cannot resolve, makes the
 * block false: the statement does not apply (fail closed for Allow).
 */

type Comparison = (policyValues: readonly string[], actual: string, context: RequestContext) => boolean;

interface OperatorSpec {
  readonly compare: Comparison;
  /** StringNotEquals & co.: true when the key is absent, NOR over the values. */
  readonly negated: boolean;
  /** Values may contain `${...}` variables. */
  readonly variables: boolean;
}

const strings = (options: PatternOptions): Comparison => (values, actual, context) => anyPatternMatches(values, actual, context, options);

/**
 * ARN operators compare each of the six colon-separated parts on its own, so a wildcard does not
 * cross a `:` ("ARN condition operators"); ArnEquals and ArnLike behave alike.
 */
const arns: Comparison = (values, actual, context) => {
  const parts = splitArn(actual);
  if (!parts) return false;
  return values.some((value) => {
    const expected = splitArn(value);
    return expected !== undefined && expected.every((part, i) => anyPatternMatches([part], parts[i] ?? '', context, { wildcards: true, caseInsensitive: false }));
  });
};

const bool: Comparison = (values, actual) => values.some((v) => v.toLowerCase() === actual.toLowerCase());

const EXACT: PatternOptions = { wildcards: false, caseInsensitive: false };
const EXACT_CI: PatternOptions = { wildcards: false, caseInsensitive: true };
const LIKE: PatternOptions = { wildcards: true, caseInsensitive: false };

const OPERATORS: Readonly<Record<string, OperatorSpec>> = {
  stringequals: { compare: strings(EXACT), negated: false, variables: true },
  stringnotequals: { compare: strings(EXACT), negated: true, variables: true },
  stringequalsignorecase: { compare: strings(EXACT_CI), negated: false, variables: true },
  stringnotequalsignorecase: { compare: strings(EXACT_CI), negated: true, variables: true },
  stringlike: { compare: strings(LIKE), negated: false, variables: true },
  stringnotlike: { compare: strings(LIKE), negated: true, variables: true },
  arnequals: { compare: arns, negated: false, variables: true },
  arnlike: { compare: arns, negated: false, variables: true },
  arnnotequals: { compare: arns, negated: true, variables: true },
  arnnotlike: { compare: arns, negated: true, variables: true },
  bool: { compare: bool, negated: false, variables: false },
};

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  // The resource part may itself contain colons.
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

function valuesOf(raw: unknown): string[] | undefined {
  const list = Array.isArray(raw) ? raw : [raw];
  if (!list.every((v) => typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number')) return undefined;
  return list.map(String);
}

interface ParsedOperator {
  readonly name: string;
  readonly ifExists: boolean;
  readonly set?: 'any' | 'all';
}

function parseOperator(operator: string): ParsedOperator {
  const [qualifier, rest] = operator.includes(':') ? operator.split(':', 2) : [undefined, operator];
  const set = qualifier?.toLowerCase() === 'foranyvalue' ? 'any' : qualifier?.toLowerCase() === 'forallvalues' ? 'all' : undefined;
  const base = (rest ?? '').toLowerCase();
  const ifExists = base.endsWith('ifexists');
  const name = qualifier !== undefined && set === undefined ? '' : ifExists ? base.slice(0, -'ifexists'.length) : base;
  return { name, ifExists, ...(set ? { set } : {}) };
}

/** `Null`: "true" holds when the key is absent, "false" when it is present. */
function nullHolds(values: readonly string[], actual: string | undefined): boolean {
  return values.some((v) => (v.toLowerCase() === 'true') === (actual === undefined));
}

function keyHolds(op: ParsedOperator, spec: OperatorSpec, values: readonly string[], actual: string | undefined, context: RequestContext): boolean {
  if (actual === undefined) {
    if (op.set === 'all') return true;
    if (op.set === 'any') return false;
    return op.ifExists || spec.negated;
  }
  const matched = spec.compare(values, actual, context);
  return spec.negated ? !matched : matched;
}

function operatorHolds(operator: string, keys: unknown, context: RequestContext): boolean {
  if (!keys || typeof keys !== 'object' || Array.isArray(keys)) return false;
  const op = parseOperator(operator);
  for (const [key, raw] of Object.entries(keys as Record<string, unknown>)) {
    const values = valuesOf(raw);
    if (!values) return false;
    const actual = contextValue(key, context);
    if (op.name === 'null' && !op.ifExists && !op.set) {
      if (!nullHolds(values, actual)) return false;
      continue;
    }
    const spec = OPERATORS[op.name];
    if (!spec) return false;
    if (spec.variables && values.some((v) => hasUnresolvedVariable(v, context))) return false;
    if (!keyHolds(op, spec, values, actual, context)) return false;
  }
  return true;
}

/** Whether a statement's `Condition` holds for this request (no Condition: it holds). */
export function conditionHolds(condition: unknown, context: RequestContext): boolean {
  if (condition === undefined) return true;
  if (!condition || typeof condition !== 'object' || Array.isArray(condition)) return false;
  return Object.entries(condition as Record<string, unknown>).every(([operator, keys]) => operatorHolds(operator, keys, context));
}
