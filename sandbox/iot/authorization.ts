import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../config';
import type { Principal } from '../credentials';

/**
 * The AWS IoT Core authorization engine of the sandbox. The broker, the REST data plane, the
 * operator's `diagnose` command and `TestAuthorization` all ask it the same question:
 * may this principal perform this IoT action on this resource ARN, and if not, why?
 *
 * Mirrored AWS behaviour (AWS IoT Core developer guide):
 *  - "AWS IoT Core policies" / "IAM policy evaluation logic": an explicit Deny wins over any
 *    Allow; without an Allow the request is denied (default deny).
 *  - "Authorization with Amazon Cognito identities" (cog-iot-policies): an authenticated Cognito
 *    identity needs BOTH the IAM policy of the identity pool's authenticated role AND an AWS IoT
 *    policy attached to the identity (AttachPolicy) to allow the action (dual authorization).
 *  - "AWS IoT Core policy variables": `*` matches any characters and `?` one character, the MQTT
 *    wildcards `+` and `#` are literals, and `${*}`, `${?}`, `${$}` stand for literal `*`, `?`, `$`.
 *    Neither wildcard stops at `/` (policy resources are strings, not topic levels).
 *
 * Not evaluated (documented in the README): `Condition` blocks, thing policy variables
 * (`${iot:Connection.Thing.*}`: the sandbox attaches no things to principals, so statements using
 * them never match), certificate variables, and IAM permission boundaries / SCPs / session
 * policies.
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
 * A policy statement as AWS accepts it: `Action`/`Resource` may be a string or a list, and
 * `NotAction`/`NotResource` invert the match. Wider than functions/shared/iot-policy.ts so that
 * hand-written role policies (`"Action": "iot:*"`) are accepted too; the template's documents
 * are assignable to it.
 */
export interface PolicyStatementLike {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: unknown;
}

export interface PolicyDocumentLike {
  readonly Version?: string;
  readonly Statement: PolicyStatementLike | readonly PolicyStatementLike[];
}

/** A policy document with the name an operator knows it by (IoT policy name, role ARN, ...). */
export interface NamedPolicy {
  readonly name: string;
  readonly document: PolicyDocumentLike;
}

/**
 * A client connected over plain MQTT/TCP. AWS authenticates those with X.509 certificates, which
 * the sandbox does not emulate: the broker assigns this principal to configured device client ids
 * and evaluates the policies it carries (like an IoT policy attached to the certificate).
 */
export interface DevicePrincipal {
  readonly kind: 'device';
  readonly deviceId: string;
  readonly policies: readonly NamedPolicy[];
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
export type IotPrincipal = Principal | DevicePrincipal | CustomAuthorizerPrincipal;

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
}

export type AuthorizationReason =
  | 'allowed'
  | 'no-identity'
  /** A custom authorizer refused the connection or answered something AWS IoT would reject. */
  | 'custom-auth-refused'
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
export function iotArn(
  type: 'client' | 'topic' | 'topicfilter' | 'thing',
  name: string,
  scope: { region?: string; account?: string } = {},
): string {
  return `arn:aws:iot:${scope.region ?? SANDBOX_REGION}:${scope.account ?? SANDBOX_ACCOUNT}:${type}/${name}`;
}

/** Values the policy variables of one request resolve to. */
interface VariableValues {
  readonly identityId?: string;
  readonly clientId?: string;
}

type Pattern = { readonly regex: RegExp } | undefined;

const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * Compiles a policy string (after variable substitution) into an anchored regex, or undefined
 * when it names a variable that has no value for this request. IAM: "If the policy variable
 * cannot be resolved, the statement does not match" — a missing key never widens access.
 */
function compile(pattern: string, values: VariableValues, caseInsensitive: boolean): Pattern {
  let source = '';
  let last = 0;
  let unresolved = false;
  const appendLiteral = (text: string) => {
    for (const ch of text) {
      if (ch === '*') source += '.*';
      else if (ch === '?') source += '.';
      else source += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  };
  for (const match of pattern.matchAll(VARIABLE)) {
    appendLiteral(pattern.slice(last, match.index));
    last = match.index + match[0].length;
    const name = match[1] ?? '';
    const value = resolveVariable(name, values);
    if (value === undefined) {
      unresolved = true;
      break;
    }
    // Substituted values are literal: a client id containing `*` must not become a wildcard.
    source += value.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  if (unresolved) return undefined;
  appendLiteral(pattern.slice(last));
  return { regex: new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's') };
}

function resolveVariable(name: string, values: VariableValues): string | undefined {
  switch (name) {
    // IAM/IoT special characters ("IAM policy elements: Variables and tags").
    case '*':
      return '*';
    case '?':
      return '?';
    case '$':
      return '$';
    // AWS replaces this with the caller's Cognito Identity ID (cog-iot-policies).
    case 'cognito-identity.amazonaws.com:sub':
      return values.identityId;
    // "Basic AWS IoT Core policy variables": the MQTT client id of the connection.
    case 'iot:ClientId':
      return values.clientId;
    default:
      // Thing, certificate and other context variables are not emulated: unresolved.
      return undefined;
  }
}

function asList(value: string | readonly string[] | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? [value] : value;
}

function statements(document: PolicyDocumentLike): readonly PolicyStatementLike[] {
  const s = document.Statement;
  return Array.isArray(s) ? (s as readonly PolicyStatementLike[]) : [s as PolicyStatementLike];
}

function anyMatches(patterns: readonly string[], value: string, values: VariableValues, caseInsensitive: boolean): boolean {
  return patterns.some((p) => compile(p, values, caseInsensitive)?.regex.test(value) ?? false);
}

/** Whether a statement applies to the action and resource (Effect aside). */
function statementMatches(statement: PolicyStatementLike, action: string, resource: string, values: VariableValues): boolean {
  // Action names are case-insensitive in IAM and IoT policies; resources are case-sensitive.
  const actions = asList(statement.Action);
  const notActions = asList(statement.NotAction);
  const actionOk = actions
    ? anyMatches(actions, action, values, true)
    : notActions
      ? !anyMatches(notActions, action, values, true)
      : false;
  if (!actionOk) return false;
  const resources = asList(statement.Resource);
  const notResources = asList(statement.NotResource);
  return resources
    ? anyMatches(resources, resource, values, false)
    : notResources
      ? !anyMatches(notResources, resource, values, false)
      : false;
}

type PolicySetVerdict =
  | { readonly effect: 'deny'; readonly policy: string; readonly sid?: string }
  | { readonly effect: 'allow'; readonly policy: string }
  | { readonly effect: 'none' };

/** Evaluates one set of policies (all IoT policies of a principal, or all policies of a role). */
export function evaluatePolicies(
  policies: readonly NamedPolicy[],
  action: string,
  resource: string,
  values: VariableValues,
): PolicySetVerdict {
  let allowedBy: string | undefined;
  for (const policy of policies) {
    for (const statement of statements(policy.document)) {
      const effect = statement.Effect;
      // Conditions are not evaluated. Conservative both ways: an Allow that depends on a
      // condition does not grant, a Deny that depends on one still denies.
      if (statement.Condition !== undefined && effect === 'Allow') continue;
      if (!statementMatches(statement, action, resource, values)) continue;
      if (effect === 'Deny') return { effect: 'deny', policy: policy.name, ...(statement.Sid ? { sid: statement.Sid } : {}) };
      if (effect === 'Allow') allowedBy ??= policy.name;
    }
  }
  return allowedBy === undefined ? { effect: 'none' } : { effect: 'allow', policy: allowedBy };
}

const deny = (reason: AuthorizationReason, detail: string): AuthorizationDecision => ({ allowed: false, reason, detail });

/**
 * Decides one request. Backend principals (the sandbox's stand-in for the Lambda execution
 * roles) are allowed without evaluation; Cognito identities get dual authorization; device and
 * custom-authorizer principals are evaluated against the policies they carry.
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
    case 'device':
      return authorizeWithPolicies(request, principal.policies, `device ${principal.deviceId}`, {});
    case 'custom':
      return authorizeWithPolicies(
        request,
        principal.policyDocuments.map((document, i) => ({ name: `authorizer policy #${i + 1}`, document })),
        `custom-authorizer principal ${principal.principalId}`,
        {},
      );
  }
}

function authorizeIdentity(
  request: AuthorizationRequest,
  principal: Extract<Principal, { kind: 'identity' }>,
  context: AuthorizationContext,
): AuthorizationDecision {
  const { action, resource } = request;
  const values: VariableValues = { identityId: principal.identityId, ...(request.clientId !== undefined ? { clientId: request.clientId } : {}) };
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
  values: VariableValues,
): AuthorizationDecision {
  const { action, resource } = request;
  const withClient: VariableValues = { ...values, ...(request.clientId !== undefined ? { clientId: request.clientId } : {}) };
  if (policies.length === 0) return deny('no-policy-attached', `${action} on ${resource}: ${who} has no policy`);
  const verdict = evaluatePolicies(policies, action, resource, withClient);
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
  values: VariableValues,
  identityId: string,
): AuthorizationDecision | undefined {
  if (request.action !== 'iot:Connect') return undefined;
  const prefix = request.resource.slice(0, request.resource.indexOf(':client/') + ':client/'.length);
  const clientId = request.resource.slice(prefix.length);
  if (!request.resource.includes(':client/') || clientId === identityId) return undefined;
  const own = evaluatePolicies(policies, request.action, `${prefix}${identityId}`, { ...values, clientId: identityId });
  if (own.effect !== 'allow') return undefined;
  return deny(
    'client-id-mismatch',
    `iot:Connect on ${request.resource}: the policies only allow connecting with the identity's own client id "${identityId}", not "${clientId}"`,
  );
}
