import {
  evaluatePolicies,
  iotResourceArn,
  type ConnectionThing,
  type IotResourceType,
  type NamedPolicy,
  type PolicyDocumentLike,
  type RequestContext,
} from '../../../functions/shared/iot-policy/engine';
import { CLIENT_ID_SEPARATOR } from '../../../functions/shared/iot-policy/user-policy';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../wire/account';
import type { Principal } from '../../wire/credentials';

export type { NamedPolicy, PolicyDocumentLike, PolicyStatementLike } from '../../../functions/shared/iot-policy/engine';

/**
 * Who may do what in the sandbox's AWS IoT Core: the principals the sandbox knows, and the
 * decision for one request with the first cause an operator should fix. Policy evaluation itself
 * (resources, variables, conditions) is the product's engine, functions/shared/iot-policy/engine.
 *
 * Mirrored AWS behaviour: "Authorization with Amazon Cognito identities" (cog-iot-policies): an
 * authenticated Cognito identity needs BOTH the IAM policy of the identity pool's authenticated
 * role AND an AWS IoT policy attached to the identity (AttachPolicy) to allow the action (dual
 * authorization). Not evaluated: certificate policy variables, IAM permission boundaries, SCPs,
 * session policies.
 */

/** The IoT data actions the sandbox authorizes. Policies may name others; they simply never match. */
export type IotAction =
  | 'iot:Connect'
  | 'iot:Publish'
  | 'iot:Subscribe'
  | 'iot:Receive'
  | 'iot:RetainPublish'
  | 'iot:GetThingShadow'
  | 'iot:UpdateThingShadow'
  | 'iot:DeleteThingShadow'
  | 'iot:ListNamedShadowsForThing';

/**
 * A device authenticated by its X.509 client certificate (mutual TLS): AWS evaluates the IoT
 * policies attached to the certificate ARN, with thing policy variables resolved for the thing
 * attached to the certificate whose name is the client id.
 */
export interface CertificatePrincipal {
  readonly kind: 'certificate';
  readonly certificateId: string;
  readonly certificateArn: string;
}

/**
 * A connection authenticated by a custom authorizer: AWS evaluates only the policy documents
 * the authorizer Lambda returned ("Custom authentication workflow"), no IAM role, no attached
 * policies.
 */
export interface CustomAuthorizerPrincipal {
  readonly kind: 'custom';
  readonly principalId: string;
  readonly policyDocuments: readonly PolicyDocumentLike[];
}

/** Every kind of caller the engine knows. `backend` and `identity` come from SigV4 credentials. */
export type IotPrincipal = Principal | CertificatePrincipal | CustomAuthorizerPrincipal;

export interface AuthorizationRequest {
  /** Undefined when the caller could not be identified at all. */
  readonly principal: IotPrincipal | undefined;
  readonly action: IotAction;
  /** The full resource ARN, for example `arn:aws:iot:us-east-1:000000000000:topic/a/b`. */
  readonly resource: string;
  /** The MQTT client id, which resolves `${iot:ClientId}`; absent for HTTP callers. */
  readonly clientId?: string;
}

/** Where the engine reads the policies that apply. Kept as callbacks so state stays with its owner. */
export interface AuthorizationContext {
  /** The IAM policies of a role, or undefined when the sandbox was never told the role's policy. */
  rolePolicies(roleArn: string): readonly NamedPolicy[] | undefined;
  /** The IoT policies attached to a target (a Cognito identity id, a certificate ARN, ...). */
  attachedPolicies(target: string): readonly NamedPolicy[];
  /**
   * The thing named by the client id, if it is attached to the principal (thing policy
   * variables). Absent: no thing variable ever resolves.
   */
  connectionThing?(principal: string, clientId: string): { readonly thing?: ConnectionThing; readonly isAttached: boolean };
}

export type AuthorizationReason =
  | 'allowed'
  | 'no-identity'
  /** A custom authorizer refused the connection or answered something AWS IoT would reject. */
  | 'custom-auth-refused'
  /** No client certificate, or one the registry does not know or that is not ACTIVE. */
  | 'certificate-refused'
  | 'iot-policy-explicit-deny'
  | 'role-explicit-deny'
  | 'no-policy-attached'
  | 'client-id-mismatch'
  | 'iot-policy-denies'
  | 'role-unknown'
  | 'role-denies';

export interface AuthorizationDecision {
  readonly allowed: boolean;
  /** The FIRST cause found, in the order an operator should fix things. */
  readonly reason: AuthorizationReason;
  /** One sentence for logs and the `diagnose` command, naming policies and the resource. */
  readonly detail: string;
}

/** The ARN of an IoT resource in the sandbox account, e.g. `iotArn('topic', 'a/b')`. */
export function iotArn(type: IotResourceType, name: string, scope: { region?: string; account?: string } = {}): string {
  return iotResourceArn(type, name, { region: scope.region ?? SANDBOX_REGION, account: scope.account ?? SANDBOX_ACCOUNT });
}

const deny = (reason: AuthorizationReason, detail: string): AuthorizationDecision => ({ allowed: false, reason, detail });

/**
 * The variables of one request: the client id and, for an MQTT client, the thing policy
 * variables of the thing attached to `principal` whose name is the client id.
 */
function requestContext(request: AuthorizationRequest, principal: string | undefined, context: AuthorizationContext): RequestContext {
  const { clientId } = request;
  if (clientId === undefined) return {};
  const thing = principal !== undefined ? context.connectionThing?.(principal, clientId) : undefined;
  return { clientId, isAttached: thing?.isAttached ?? false, ...(thing?.thing ? { thing: thing.thing } : {}) };
}

/**
 * Decides one request. Backend principals (the sandbox's stand-in for the Lambda execution
 * roles) are allowed without evaluation; Cognito identities get dual authorization; certificates
 * are evaluated against the policies attached to them, custom-authorizer principals against the
 * policies the authorizer answered.
 */
export function authorize(request: AuthorizationRequest, context: AuthorizationContext): AuthorizationDecision {
  const { principal, action, resource } = request;
  if (!principal) {
    return deny('no-identity', `${action} on ${resource}: the caller has no identity (unsigned or unknown credentials)`);
  }
  switch (principal.kind) {
    case 'backend':
      return { allowed: true, reason: 'allowed', detail: `${action} on ${resource}: backend principal (execution role policies are not evaluated)` };
    case 'identity':
      return authorizeIdentity(request, principal, context);
    case 'certificate':
      return authorizeWithPolicies(
        request,
        context.attachedPolicies(principal.certificateArn),
        `certificate ${principal.certificateId}`,
        requestContext(request, principal.certificateArn, context),
      );
    case 'custom':
      return authorizeWithPolicies(
        request,
        principal.policyDocuments.map((document, i) => ({ name: `authorizer policy #${i + 1}`, document })),
        `custom-authorizer principal ${principal.principalId}`,
        requestContext(request, undefined, context),
      );
  }
}

function authorizeIdentity(
  request: AuthorizationRequest,
  principal: Extract<Principal, { kind: 'identity' }>,
  context: AuthorizationContext,
): AuthorizationDecision {
  const { action, resource } = request;
  const values: RequestContext = { ...requestContext(request, principal.identityId, context), identityId: principal.identityId };
  const who = `identity ${principal.identityId}`;
  const attached = context.attachedPolicies(principal.identityId);
  const rolePolicies = context.rolePolicies(principal.roleArn);

  const iot = evaluatePolicies(attached, action, resource, values);
  if (iot.effect === 'deny') {
    return deny('iot-policy-explicit-deny', `${action} on ${resource}: IoT policy "${iot.policy}" attached to ${who} explicitly denies it`);
  }
  const role = rolePolicies ? evaluatePolicies(rolePolicies, action, resource, values) : ({ effect: 'none' } as const);
  if (role.effect === 'deny') {
    return deny('role-explicit-deny', `${action} on ${resource}: the IAM policy "${role.policy}" of role ${principal.roleArn} explicitly denies it`);
  }
  if (attached.length === 0) {
    return deny(
      'no-policy-attached',
      `${action} on ${resource}: no IoT policy is attached to ${who} (AttachPolicy with target ${principal.identityId}); Cognito identities need one in addition to the role`,
    );
  }
  if (iot.effect === 'none') {
    const mismatch = clientIdMismatch(request, attached, values, principal.identityId);
    if (mismatch) return mismatch;
    return deny(
      'iot-policy-denies',
      `${action} on ${resource}: none of the IoT policies attached to ${who} (${attached.map((p) => p.name).join(', ')}) allows it`,
    );
  }
  if (!rolePolicies) {
    return deny('role-unknown', `${action} on ${resource}: the sandbox knows no IAM policy for role ${principal.roleArn} (setRolePolicy), so the role allows nothing`);
  }
  if (role.effect === 'none') {
    const mismatch = clientIdMismatch(request, rolePolicies, values, principal.identityId);
    if (mismatch) return mismatch;
    return deny('role-denies', `${action} on ${resource}: the IoT policy allows it but the IAM policy of role ${principal.roleArn} does not (dual authorization)`);
  }
  return { allowed: true, reason: 'allowed', detail: `${action} on ${resource}: allowed by IoT policy "${iot.policy}" and role ${principal.roleArn}` };
}

function authorizeWithPolicies(
  request: AuthorizationRequest,
  policies: readonly NamedPolicy[],
  who: string,
  values: RequestContext,
): AuthorizationDecision {
  const { action, resource } = request;
  if (policies.length === 0) return deny('no-policy-attached', `${action} on ${resource}: ${who} has no policy`);
  const verdict = evaluatePolicies(policies, action, resource, values);
  if (verdict.effect === 'deny') {
    return deny('iot-policy-explicit-deny', `${action} on ${resource}: policy "${verdict.policy}" of ${who} explicitly denies it`);
  }
  if (verdict.effect === 'none') {
    return deny('iot-policy-denies', `${action} on ${resource}: no policy of ${who} (${policies.map((p) => p.name).join(', ')}) allows it`);
  }
  return { allowed: true, reason: 'allowed', detail: `${action} on ${resource}: allowed by policy "${verdict.policy}" of ${who}` };
}

/**
 * The classic mistake behind an unexplained AUTHORIZATION_FAILURE: connecting with a client id
 * other than the identity id while the policy only allows `client/${cognito-identity...:sub}`.
 * Reported when the same policies would allow the identity's own client id.
 */
function clientIdMismatch(
  request: AuthorizationRequest,
  policies: readonly NamedPolicy[],
  values: RequestContext,
  identityId: string,
): AuthorizationDecision | undefined {
  if (request.action !== 'iot:Connect') return undefined;
  const prefix = request.resource.slice(0, request.resource.indexOf(':client/') + ':client/'.length);
  const clientId = request.resource.slice(prefix.length);
  if (!request.resource.includes(':client/') || clientId === identityId || clientId.startsWith(`${identityId}${CLIENT_ID_SEPARATOR}`)) return undefined;
  const own = evaluatePolicies(policies, request.action, `${prefix}${identityId}`, { ...values, clientId: identityId });
  if (own.effect !== 'allow') return undefined;
  return deny(
    'client-id-mismatch',
    `iot:Connect on ${request.resource}: the policies only allow connecting with the identity's own client id "${identityId}" (or "${identityId}${CLIENT_ID_SEPARATOR}<suffix>"), not "${clientId}"`,
  );
}
