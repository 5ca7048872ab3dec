import { AwsServiceError } from '../../../wire/http';

/**
 * The routes of the policy, endpoint and authorizer operations (REST-JSON, as
 * @aws-sdk/client-iot sends them; the table is in control-plane.ts).
 */
export type Operation =
  | 'CreatePolicy'
  | 'GetPolicy'
  | 'DeletePolicy'
  | 'ListPolicies'
  | 'AttachPolicy'
  | 'DetachPolicy'
  | 'ListAttachedPolicies'
  | 'ListTargetsForPolicy'
  | 'DescribeEndpoint'
  | 'TestAuthorization'
  | 'CreateAuthorizer'
  | 'DescribeAuthorizer'
  | 'UpdateAuthorizer'
  | 'TestInvokeAuthorizer'
  | 'SetDefaultAuthorizer'
  | 'DescribeDefaultAuthorizer';

/** Operator tools: the sandbox serves them to the backend credentials only. */
export const BACKEND_ONLY: ReadonlySet<string> = new Set<Operation>([
  'TestAuthorization',
  'CreateAuthorizer',
  'DescribeAuthorizer',
  'UpdateAuthorizer',
  'TestInvokeAuthorizer',
  'SetDefaultAuthorizer',
  'DescribeDefaultAuthorizer',
]);

export interface Route {
  readonly operation: Operation;
  /** The path label, percent-decoded. */
  readonly label?: string;
}

export function route(method: string, path: string): Route | undefined {
  const [, first, second, ...rest] = path.split('/');
  if (method === 'POST' && first === 'authorizer' && second && rest.length === 1 && rest[0] === 'test') {
    return { operation: 'TestInvokeAuthorizer', label: decodeLabel(second) };
  }
  if (rest.length > 0) return undefined;
  const label = second === undefined || second === '' ? undefined : decodeLabel(second);
  const operation = label === undefined ? UNLABELLED[`${method} ${first}`] : LABELLED[`${method} ${first}`];
  if (operation === undefined) return undefined;
  return label === undefined ? { operation } : { operation, label };
}

/** `METHOD first-segment` → the operation, for paths with a `{label}` second segment. */
const LABELLED: Readonly<Record<string, Operation>> = {
  'POST policies': 'CreatePolicy',
  'GET policies': 'GetPolicy',
  'DELETE policies': 'DeletePolicy',
  'PUT target-policies': 'AttachPolicy',
  'POST target-policies': 'DetachPolicy',
  'POST attached-policies': 'ListAttachedPolicies',
  'POST policy-targets': 'ListTargetsForPolicy',
  'POST authorizer': 'CreateAuthorizer',
  'GET authorizer': 'DescribeAuthorizer',
  'PUT authorizer': 'UpdateAuthorizer',
};

/** The same, for paths of one segment. */
const UNLABELLED: Readonly<Record<string, Operation>> = {
  'GET policies': 'ListPolicies',
  'GET endpoint': 'DescribeEndpoint',
  'POST test-authorization': 'TestAuthorization',
  'POST default-authorizer': 'SetDefaultAuthorizer',
  'GET default-authorizer': 'DescribeDefaultAuthorizer',
};

function decodeLabel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AwsServiceError(400, 'InvalidRequestException', `Malformed path label: ${raw}`);
  }
}

