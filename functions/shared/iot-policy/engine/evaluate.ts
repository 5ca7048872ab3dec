import { conditionHolds } from './conditions';
import { asList, statementsOf, type NamedPolicy, type PolicyStatementLike } from './documents';
import { anyPatternMatches } from './patterns';
import type { RequestContext } from './request-context';

/**
 * Evaluation of one set of policies ("IAM policy evaluation logic", AWS IoT Core policies:
 * https://docs.aws.amazon.com/iot/latest/developerguide/iot-policies.html): an explicit Deny
 * wins over any Allow; without an Allow the request is denied (default deny).
 */

export type PolicySetVerdict =
  | { readonly effect: 'deny'; readonly policy: string; readonly sid?: string }
  | { readonly effect: 'allow'; readonly policy: string }
  | { readonly effect: 'none' };

function elementMatches(
  positive: string | readonly string[] | undefined,
  negative: string | readonly string[] | undefined,
  value: string,
  context: RequestContext,
  caseInsensitive: boolean,
): boolean {
  const options = { wildcards: true, caseInsensitive };
  const list = asList(positive);
  if (list) return anyPatternMatches(list, value, context, options);
  const notList = asList(negative);
  return notList ? !anyPatternMatches(notList, value, context, options) : false;
}

/** Whether a statement applies to the action, the resource and the request (Effect aside). */
export function statementApplies(statement: PolicyStatementLike, action: string, resource: string, context: RequestContext): boolean {
  // Action names are case-insensitive in IAM and IoT policies; resources are case-sensitive.
  return (
    elementMatches(statement.Action, statement.NotAction, action, context, true) &&
    elementMatches(statement.Resource, statement.NotResource, resource, context, false) &&
    conditionHolds(statement.Condition, context)
  );
}

/** Evaluates one set of policies (all IoT policies of a principal, or all policies of a role). */
export function evaluatePolicies(policies: readonly NamedPolicy[], action: string, resource: string, context: RequestContext): PolicySetVerdict {
  let allowedBy: string | undefined;
  for (const policy of policies) {
    for (const statement of statementsOf(policy.document)) {
      if (!statementApplies(statement, action, resource, context)) continue;
      if (statement.Effect === 'Deny') return { effect: 'deny', policy: policy.name, ...(statement.Sid ? { sid: statement.Sid } : {}) };
      if (statement.Effect === 'Allow') allowedBy ??= policy.name;
    }
  }
  return allowedBy === undefined ? { effect: 'none' } : { effect: 'allow', policy: allowedBy };
}
