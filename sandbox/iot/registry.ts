import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../config';
import { AwsServiceError } from '../http';
import type { NamedPolicy, PolicyDocumentLike, PolicyStatementLike } from '../../functions/shared/iot-policy-engine';
import type { AuthorizationContext } from './authorization';

/**
 * The state behind the IoT control plane: IoT policies, their attachments to targets (Cognito
 * identity ids, certificate ARNs, thing group ARNs — any string), and the IAM policies of the
 * roles Cognito identities assume. It also serves as the authorization engine's context.
 *
 * Mirrored AWS behaviour (AWS IoT API Reference: CreatePolicy, DeletePolicy, AttachPolicy,
 * DetachPolicy; AWS IoT Core quotas):
 *  - policy names match `[\w+=,.@-]+`, 1-128 characters;
 *  - creating an existing policy → ResourceAlreadyExistsException (409);
 *  - a policy document that is not a JSON policy → MalformedPolicyException (400);
 *  - deleting a policy that is still attached → DeleteConflictException (409);
 *  - attaching is idempotent; at most 10 policies per target → LimitExceededException (410);
 *  - unknown policy → ResourceNotFoundException (404).
 */

export interface StoredPolicy {
  readonly policyName: string;
  readonly policyArn: string;
  /** The document exactly as the caller sent it (GetPolicy returns it verbatim). */
  readonly policyDocument: string;
  readonly parsed: PolicyDocumentLike;
  readonly createdAt: Date;
  readonly lastModifiedAt: Date;
  readonly generationId: string;
}

const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
/** "Maximum number of policies attached to a certificate or Amazon Cognito identity": 10. */
export const MAX_POLICIES_PER_TARGET = 10;
/** "Maximum size of a policy document": 2048 characters, whitespace excluded. */
const MAX_POLICY_CHARS = 2048;

export function policyArn(policyName: string): string {
  return `arn:aws:iot:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:policy/${policyName}`;
}

/** Parses and checks an IoT or IAM policy document; throws MalformedPolicyException. */
export function parsePolicyDocument(text: string): PolicyDocumentLike {
  const malformed = (why: string) => new AwsServiceError(400, 'MalformedPolicyException', `Policy document is malformed: ${why}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed('not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw malformed('expected a JSON object');
  const statement = (value as { Statement?: unknown }).Statement;
  const list = Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
  if (list.length === 0) throw malformed('Statement is missing or empty');
  for (const s of list) {
    if (!s || typeof s !== 'object') throw malformed('every Statement must be an object');
    const st = s as Partial<Record<keyof PolicyStatementLike, unknown>>;
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') throw malformed('Effect must be "Allow" or "Deny"');
    const stringOrList = (v: unknown) => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    if (!stringOrList(st.Action) && !stringOrList(st.NotAction)) throw malformed('every Statement needs Action or NotAction');
    if (!stringOrList(st.Resource) && !stringOrList(st.NotResource)) throw malformed('every Statement needs Resource or NotResource');
  }
  return value as PolicyDocumentLike;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextMarker?: string;
}

/** Marker = the index of the next item, as an opaque string (AWS markers are opaque too). */
function paginate<T>(all: readonly T[], marker: string | undefined, pageSize: number | undefined): Page<T> {
  const start = marker === undefined ? 0 : Number.parseInt(marker, 10);
  if (!Number.isInteger(start) || start < 0) throw new AwsServiceError(400, 'InvalidRequestException', `Invalid marker: ${marker}`);
  const size = pageSize ?? 250;
  if (!Number.isInteger(size) || size < 1 || size > 250) throw new AwsServiceError(400, 'InvalidRequestException', 'pageSize must be between 1 and 250');
  const items = all.slice(start, start + size);
  return start + size < all.length ? { items, nextMarker: String(start + size) } : { items };
}

export function createIotRegistry(opts: { now?: () => number } = {}) {
  const now = opts.now ?? Date.now;
  const policies = new Map<string, StoredPolicy>();
  /** policy name → targets, in attachment order. */
  const targetsByPolicy = new Map<string, Set<string>>();
  const roles = new Map<string, NamedPolicy[]>();

  const notFound = (policyName: string) => new AwsServiceError(404, 'ResourceNotFoundException', `Policy not found: ${policyName}`);
  const require = (policyName: string): StoredPolicy => {
    const policy = policies.get(policyName);
    if (!policy) throw notFound(policyName);
    return policy;
  };
  const policiesOf = (target: string): StoredPolicy[] =>
    [...policies.values()].filter((p) => targetsByPolicy.get(p.policyName)?.has(target));

  const registry = {
    createPolicy(policyName: string, policyDocument: string): StoredPolicy {
      if (!POLICY_NAME.test(policyName)) {
        throw new AwsServiceError(400, 'InvalidRequestException', `1 validation error detected: Value '${policyName}' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
      }
      const existing = policies.get(policyName);
      if (existing) {
        const error = new AwsServiceError(409, 'ResourceAlreadyExistsException', `Policy cannot be created - name already exists (name=${policyName})`);
        throw Object.assign(error, { resourceId: policyName, resourceArn: existing.policyArn });
      }
      if (policyDocument.replace(/\s/g, '').length > MAX_POLICY_CHARS) {
        throw new AwsServiceError(400, 'MalformedPolicyException', `Policy document is malformed: longer than ${MAX_POLICY_CHARS} characters (whitespace excluded)`);
      }
      const parsed = parsePolicyDocument(policyDocument);
      const at = new Date(now());
      const stored: StoredPolicy = {
        policyName,
        policyArn: policyArn(policyName),
        policyDocument,
        parsed,
        createdAt: at,
        lastModifiedAt: at,
        generationId: crypto.randomUUID().replace(/-/g, ''),
      };
      policies.set(policyName, stored);
      return stored;
    },

    getPolicy: require,

    deletePolicy(policyName: string): void {
      require(policyName);
      if ((targetsByPolicy.get(policyName)?.size ?? 0) > 0) {
        throw new AwsServiceError(409, 'DeleteConflictException', `The policy cannot be deleted as the policy is attached to one or more principals (name=${policyName})`);
      }
      policies.delete(policyName);
      targetsByPolicy.delete(policyName);
    },

    listPolicies(marker?: string, pageSize?: number, ascending = true): Page<StoredPolicy> {
      const all = [...policies.values()].sort((a, b) => a.policyName.localeCompare(b.policyName));
      return paginate(ascending ? all : all.reverse(), marker, pageSize);
    },

    /** Idempotent: attaching an attached policy succeeds and changes nothing. */
    attachPolicy(policyName: string, target: string): void {
      require(policyName);
      if (target === '') throw new AwsServiceError(400, 'InvalidRequestException', 'target must not be empty');
      const targets = targetsByPolicy.get(policyName) ?? new Set<string>();
      if (targets.has(target)) return;
      if (policiesOf(target).length >= MAX_POLICIES_PER_TARGET) {
        throw new AwsServiceError(410, 'LimitExceededException', `Target ${target} already has ${MAX_POLICIES_PER_TARGET} policies attached`);
      }
      targets.add(target);
      targetsByPolicy.set(policyName, targets);
    },

    /** Detaching a policy that is not attached succeeds (nothing to do). */
    detachPolicy(policyName: string, target: string): void {
      require(policyName);
      targetsByPolicy.get(policyName)?.delete(target);
    },

    listAttachedPolicies(target: string, marker?: string, pageSize?: number): Page<StoredPolicy> {
      return paginate(policiesOf(target), marker, pageSize);
    },

    listTargetsForPolicy(policyName: string, marker?: string, pageSize?: number): Page<string> {
      require(policyName);
      return paginate([...(targetsByPolicy.get(policyName) ?? [])], marker, pageSize);
    },

    /**
     * Declares the IAM policy of a role (the identity pool's authenticated role). Replaces any
     * previous policies of that role. Accepts a document or its JSON text.
     */
    setRolePolicy(roleArn: string, document: PolicyDocumentLike | string, name = 'inline'): void {
      const parsed = typeof document === 'string' ? parsePolicyDocument(document) : parsePolicyDocument(JSON.stringify(document));
      roles.set(roleArn, [{ name: `${roleArn}#${name}`, document: parsed }]);
    },

    /** The engine's view of this state. */
    context: {
      rolePolicies: (roleArn: string) => roles.get(roleArn),
      attachedPolicies: (target: string) => policiesOf(target).map((p) => ({ name: p.policyName, document: p.parsed })),
    } satisfies AuthorizationContext,

    clear(): void {
      policies.clear();
      targetsByPolicy.clear();
      roles.clear();
    },
  };
  return registry;
}

export type IotRegistry = ReturnType<typeof createIotRegistry>;
