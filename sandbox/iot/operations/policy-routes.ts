import { AwsServiceError } from '../../http';

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
  const withLabel = (operation: Operation): Route | undefined => (label === undefined ? undefined : { operation, label });
  switch (`${method} ${first}`) {
    case 'POST policies':
      return withLabel('CreatePolicy');
    case 'GET policies':
      return label === undefined ? { operation: 'ListPolicies' } : { operation: 'GetPolicy', label };
    case 'DELETE policies':
      return withLabel('DeletePolicy');
    case 'PUT target-policies':
      return withLabel('AttachPolicy');
    case 'POST target-policies':
      return withLabel('DetachPolicy');
    case 'POST attached-policies':
      return withLabel('ListAttachedPolicies');
    case 'POST policy-targets':
      return withLabel('ListTargetsForPolicy');
    case 'GET endpoint':
      return label === undefined ? { operation: 'DescribeEndpoint' } : undefined;
    case 'POST test-authorization':
      return label === undefined ? { operation: 'TestAuthorization' } : undefined;
    case 'POST authorizer':
      return withLabel('CreateAuthorizer');
    case 'GET authorizer':
      return withLabel('DescribeAuthorizer');
    case 'PUT authorizer':
      return withLabel('UpdateAuthorizer');
    case 'POST default-authorizer':
      return label === undefined ? { operation: 'SetDefaultAuthorizer' } : undefined;
    case 'GET default-authorizer':
      return label === undefined ? { operation: 'DescribeDefaultAuthorizer' } : undefined;
    default:
      return undefined;
  }
}

function decodeLabel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AwsServiceError(400, 'InvalidRequestException', `Malformed path label: ${raw}`);
  }
}

