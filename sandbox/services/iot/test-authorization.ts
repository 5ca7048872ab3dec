import * as z from 'zod/mini';
import { AwsServiceError } from '../../wire/http';
import { parseRequest } from '../../wire/validation';
import { evaluatePolicies, type RequestContext } from '../../../functions/shared/iot-policy/engine';
import type { AuthorizationContext, IotAction } from './authorization';
import type { IotRegistry, StoredPolicy } from './registry';

/**
 * IoT `TestAuthorization` ("Tests if a specified principal is authorized to perform an AWS IoT
 * action on a specified resource", AWS IoT API Reference), on the sandbox's policy engine.
 *
 * Like AWS, it evaluates the AWS IoT policies attached to the principal (plus policyNamesToAdd,
 * minus policyNamesToSkip) and nothing else: a Cognito identity's IAM role, which IoT also
 * checks at connect/publish time (dual authorization), is not part of the answer. The principal
 * of a Cognito identity is its identity id (`region:guid`), which also resolves
 * `${cognito-identity.amazonaws.com:sub}`; the `clientId` query parameter resolves
 * `${iot:ClientId}` and, for a principal attached to the thing of that name, the thing policy
 * variables.
 */

const ACTION_TYPES = ['PUBLISH', 'SUBSCRIBE', 'RECEIVE', 'CONNECT', 'RETAIN'] as const;
export type AuthActionType = (typeof ACTION_TYPES)[number];

const ACTIONS: Readonly<Record<AuthActionType, IotAction>> = {
  PUBLISH: 'iot:Publish',
  SUBSCRIBE: 'iot:Subscribe',
  RECEIVE: 'iot:Receive',
  CONNECT: 'iot:Connect',
  RETAIN: 'iot:RetainPublish',
};

export interface TestAuthorizationInput {
  readonly principal?: string;
  /** Accepted and ignored: the sandbox has one identity pool per principal at most. */
  readonly cognitoIdentityPoolId?: string;
  readonly clientId?: string;
  readonly authInfos: ReadonlyArray<{ readonly actionType: AuthActionType; readonly resources: readonly string[] }>;
  readonly policyNamesToAdd?: readonly string[];
  readonly policyNamesToSkip?: readonly string[];
}

interface PolicyRef {
  readonly policyName: string;
  readonly policyArn: string;
}

export interface AuthResult {
  readonly authInfo: { readonly actionType: AuthActionType; readonly resources: readonly string[] };
  readonly allowed: { readonly policies: PolicyRef[] };
  readonly denied: { readonly implicitDeny: { readonly policies: PolicyRef[] }; readonly explicitDeny: { readonly policies: PolicyRef[] } };
  readonly authDecision: 'ALLOWED' | 'EXPLICIT_DENY' | 'IMPLICIT_DENY';
  readonly missingContextValues: string[];
}

/** "AuthInfos: Minimum number of 1 item. Maximum number of 10 items." */
const MAX_AUTH_INFOS = 10;
/** A Cognito identity id (`us-east-1:guid`), as opposed to a certificate or thing-group ARN. */
const COGNITO_IDENTITY_ID = /^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f-]+$/;

const invalid = (message: string) => new AwsServiceError(400, 'InvalidRequestException', message);

const policyNames = z.nullish(z.array(z.string()));
const optionalString = z.nullish(z.string());
/** TestAuthorization's members (API reference): 1 to 10 authInfos, each an actionType and at least one resource. */
const testAuthorizationSchema = z.object({
  authInfos: z
    .array(z.object({ actionType: z.enum(ACTION_TYPES), resources: z.array(z.string()).check(z.minLength(1)) }))
    .check(z.minLength(1), z.maxLength(MAX_AUTH_INFOS)),
  principal: optionalString,
  cognitoIdentityPoolId: optionalString,
  policyNamesToAdd: policyNames,
  policyNamesToSkip: policyNames,
});

/** Parses the REST-JSON body of TestAuthorization (plus the `clientId` query parameter). */
export function parseTestAuthorizationInput(body: Record<string, unknown>, clientId: string | undefined): TestAuthorizationInput {
  const input = parseRequest(testAuthorizationSchema, body, invalid);
  const { authInfos, principal, cognitoIdentityPoolId: poolId, policyNamesToAdd: add, policyNamesToSkip: skip } = input;
  return {
    authInfos,
    ...(typeof principal === 'string' ? { principal } : {}),
    ...(typeof poolId === 'string' ? { cognitoIdentityPoolId: poolId } : {}),
    ...(clientId !== undefined ? { clientId } : {}),
    ...(add ? { policyNamesToAdd: add } : {}),
    ...(skip ? { policyNamesToSkip: skip } : {}),
  };
}

/** Answers TestAuthorization: one authResult per authInfo, in order. */
export function testAuthorization(
  input: TestAuthorizationInput,
  registry: IotRegistry,
  connectionThing?: AuthorizationContext['connectionThing'],
): { authResults: AuthResult[] } {
  const skip = new Set(input.policyNamesToSkip ?? []);
  const byName = new Map<string, StoredPolicy>();
  if (input.principal !== undefined) {
    for (const p of registry.listAttachedPolicies(input.principal).items) byName.set(p.policyName, p);
  }
  // Unknown names → ResourceNotFoundException, as for any other policy operation.
  for (const name of input.policyNamesToAdd ?? []) byName.set(name, registry.getPolicy(name));
  const policies = [...byName.values()].filter((p) => !skip.has(p.policyName));

  const identityId = input.principal !== undefined && COGNITO_IDENTITY_ID.test(input.principal) ? input.principal : undefined;
  // With a principal and a client id, thing policy variables resolve as for an MQTT connection.
  const thing = input.principal !== undefined && input.clientId !== undefined ? connectionThing?.(input.principal, input.clientId) : undefined;
  const values: RequestContext = {
    ...(identityId !== undefined ? { identityId } : {}),
    ...(input.clientId !== undefined ? { clientId: input.clientId } : {}),
    ...(thing ? { isAttached: thing.isAttached, ...(thing.thing ? { thing: thing.thing } : {}) } : {}),
  };
  const ref = (p: StoredPolicy): PolicyRef => ({ policyName: p.policyName, policyArn: p.policyArn });

  const authResults = input.authInfos.map((authInfo): AuthResult => {
    const action = ACTIONS[authInfo.actionType];
    // Each policy on its own, so the answer can name which policies allowed and which denied.
    const verdicts = policies.map((policy) => ({
      policy,
      effects: authInfo.resources.map((resource) => evaluatePolicies([{ name: policy.policyName, document: policy.parsed }], action, resource, values).effect),
    }));
    const explicitDeny = verdicts.filter((v) => v.effects.includes('deny'));
    const everyResourceAllowed = authInfo.resources.every((_r, i) => verdicts.some((v) => v.effects[i] === 'allow'));
    const authDecision = explicitDeny.length > 0 ? 'EXPLICIT_DENY' : everyResourceAllowed ? 'ALLOWED' : 'IMPLICIT_DENY';
    const allowing = verdicts.filter((v) => v.effects.includes('allow'));
    const notAllowing = authDecision === 'IMPLICIT_DENY' ? verdicts.filter((v) => v.effects.some((e) => e !== 'allow')) : [];
    return {
      authInfo: { actionType: authInfo.actionType, resources: [...authInfo.resources] },
      allowed: { policies: allowing.map((v) => ref(v.policy)) },
      denied: {
        implicitDeny: { policies: notAllowing.map((v) => ref(v.policy)) },
        explicitDeny: { policies: explicitDeny.map((v) => ref(v.policy)) },
      },
      authDecision,
      // The sandbox does not report which condition keys were missing (AWS lists them here).
      missingContextValues: [],
    };
  });
  return { authResults };
}
