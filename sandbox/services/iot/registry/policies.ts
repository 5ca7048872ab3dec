import { AwsServiceError } from '../../../wire/http';
import { MAX_POLICY_CHARS, POLICY_NAME, parsePolicyDocument, policyArn, type StoredPolicy } from './documents';
import { paginate, type Page } from './pagination';

/** CreatePolicy's checks, in AWS's order: name pattern, existing name, size, document shape. */
function newPolicy(policyName: string, policyDocument: string, existing: StoredPolicy | undefined, at: Date): StoredPolicy {
  if (!POLICY_NAME.test(policyName)) {
    throw new AwsServiceError(400, 'InvalidRequestException', `1 validation error detected: Value '${policyName}' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
  }
  if (existing) {
    const error = new AwsServiceError(409, 'ResourceAlreadyExistsException', `Policy cannot be created - name already exists (name=${policyName})`);
    throw Object.assign(error, { resourceId: policyName, resourceArn: existing.policyArn });
  }
  if (policyDocument.replace(/\s/g, '').length > MAX_POLICY_CHARS) {
    throw new AwsServiceError(400, 'MalformedPolicyException', `Policy document is malformed: longer than ${MAX_POLICY_CHARS} characters (whitespace excluded)`);
  }
  const parsed = parsePolicyDocument(policyDocument);
  return {
    policyName,
    policyArn: policyArn(policyName),
    policyDocument,
    parsed,
    createdAt: at,
    lastModifiedAt: at,
    generationId: crypto.randomUUID().replace(/-/g, ''),
  };
}

/** The IoT policies themselves: CreatePolicy, GetPolicy, ListPolicies (DeletePolicy needs the attachments). */
export function createPolicyStore(now: () => number) {
  const policies = new Map<string, StoredPolicy>();
  const require = (policyName: string): StoredPolicy => {
    const policy = policies.get(policyName);
    if (!policy) throw new AwsServiceError(404, 'ResourceNotFoundException', `Policy not found: ${policyName}`);
    return policy;
  };
  return {
    policies,
    require,
    createPolicy(policyName: string, policyDocument: string): StoredPolicy {
      const stored = newPolicy(policyName, policyDocument, policies.get(policyName), new Date(now()));
      policies.set(policyName, stored);
      return stored;
    },
    listPolicies(marker?: string, pageSize?: number, ascending = true): Page<StoredPolicy> {
      const all = [...policies.values()].sort((a, b) => a.policyName.localeCompare(b.policyName));
      return paginate(ascending ? all : all.reverse(), marker, pageSize);
    },
  };
}
