import type { NamedPolicy, PolicyDocumentLike } from '../../../../functions/shared/iot-policy/engine';
import { AwsServiceError } from '../../../wire/http';
import type { AuthorizationContext } from '../authorization';
import { MAX_POLICIES_PER_TARGET, parsePolicyDocument, type StoredPolicy } from './documents';
import { paginate, type Page } from './pagination';
import { createPolicyStore } from './policies';

export { MAX_POLICIES_PER_TARGET, parsePolicyDocument, policyArn, type StoredPolicy } from './documents';
export type { Page } from './pagination';

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

export function createIotRegistry(opts: { now?: () => number } = {}) {
  const store = createPolicyStore(opts.now ?? Date.now);
  const { policies, require } = store;
  /** policy name → targets, in attachment order. */
  const targetsByPolicy = new Map<string, Set<string>>();
  const roles = new Map<string, NamedPolicy[]>();

  const policiesOf = (target: string): StoredPolicy[] =>
    [...policies.values()].filter((p) => targetsByPolicy.get(p.policyName)?.has(target));

  const registry = {
    createPolicy: store.createPolicy,
    getPolicy: require,

    deletePolicy(policyName: string): void {
      require(policyName);
      if ((targetsByPolicy.get(policyName)?.size ?? 0) > 0) {
        throw new AwsServiceError(409, 'DeleteConflictException', `The policy cannot be deleted as the policy is attached to one or more principals (name=${policyName})`);
      }
      policies.delete(policyName);
      targetsByPolicy.delete(policyName);
    },

    listPolicies: store.listPolicies,

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
