import type { FaultInjector } from '../sandbox/wire/faults';

/**
 * Every operation the sandbox counts, named as its fault rules are (`<service>:<Operation>`,
 * the IAM action names): see the `faults.check(...)` calls and `faultPrefix`es in sandbox/.
 * The injector only answers per operation, so the benchmark sums over this list to count "all
 * AWS calls" a step made.
 */
export const SANDBOX_OPERATIONS = [
  'states:StartExecution',
  'states:DescribeExecution',
  'states:ListExecutions',
  'states:GetExecutionHistory',
  'states:RedriveExecution',
  'states:StopExecution',
  'states:DescribeStateMachine',
  'states:ListStateMachines',
  'cognito-identity:GetOpenIdTokenForDeveloperIdentity',
  'cognito-identity:GetCredentialsForIdentity',
  'cognito-identity:LookupDeveloperIdentity',
  'cognito-identity:DescribeIdentity',
  'cognito-identity:GetId',
  'cognito-idp:SignUp',
  'cognito-idp:ConfirmSignUp',
  'cognito-idp:AdminConfirmSignUp',
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminSetUserPassword',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminUpdateUserAttributes',
  'cognito-idp:ListUsers',
  'cognito-idp:InitiateAuth',
  'cognito-idp:AdminInitiateAuth',
  'cognito-idp:RespondToAuthChallenge',
  'cognito-idp:GetUser',
  'cognito-idp:UpdateUserAttributes',
  'iot:CreatePolicy',
  'iot:GetPolicy',
  'iot:DeletePolicy',
  'iot:ListPolicies',
  'iot:AttachPolicy',
  'iot:DetachPolicy',
  'iot:ListAttachedPolicies',
  'iot:ListTargetsForPolicy',
  'iot:DescribeEndpoint',
  'iot:TestAuthorization',
  'iot:CreateAuthorizer',
  'iot:DescribeAuthorizer',
  'iot:UpdateAuthorizer',
  'iot:TestInvokeAuthorizer',
  'iot:SetDefaultAuthorizer',
  'iot:DescribeDefaultAuthorizer',
  'iot:GetThingShadow',
  'iot:UpdateThingShadow',
  'iot:DeleteThingShadow',
  'iot:Publish',
] as const;

/** Calls per operation (faulted calls included: AWS bills and rate-limits those too). */
export type CallCounts = Readonly<Record<string, number>>;

export function snapshotCalls(faults: Pick<FaultInjector, 'stats'>, operations: readonly string[] = SANDBOX_OPERATIONS): CallCounts {
  return Object.fromEntries(operations.map((op) => [op, faults.stats(op).calls]));
}

/** The operations whose count changed between two snapshots, with the change. */
export function callsBetween(before: CallCounts, after: CallCounts): CallCounts {
  return Object.fromEntries(
    Object.entries(after)
      .map(([op, calls]): [string, number] => [op, calls - (before[op] ?? 0)])
      .filter(([, delta]) => delta !== 0),
  );
}

/** Total calls, optionally only of operations whose name passes `include`. */
export function totalCalls(counts: CallCounts, include: (operation: string) => boolean = () => true): number {
  return Object.entries(counts).reduce((sum, [op, n]) => (include(op) ? sum + n : sum), 0);
}
