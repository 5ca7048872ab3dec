import { describe, expect, it } from 'vitest';
import { iotPolicyDocument } from '../../../../functions/shared/iot-policy/user-policy';
import {
  authorize,
  iotArn,
  type AuthorizationContext,
  type IotPrincipal,
  type NamedPolicy,
  type PolicyDocumentLike,
} from '../../../../sandbox/services/iot/authorization';

const IDENTITY = 'us-east-1:11111111-2222-3333-4444-555555555555';
const OTHER = 'us-east-1:99999999-8888-7777-6666-555555555555';
const ROLE = 'arn:aws:iam::000000000000:role/authenticated';
const identity: IotPrincipal = { kind: 'identity', identityId: IDENTITY, roleArn: ROLE };
const template = iotPolicyDocument({ region: 'us-east-1', account: '000000000000' });
const roleAllowsIot: PolicyDocumentLike = { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'iot:*', Resource: '*' } };

function context(opts: { attached?: PolicyDocumentLike[]; role?: PolicyDocumentLike | null } = {}): AuthorizationContext {
  const attached: NamedPolicy[] = (opts.attached ?? [template]).map((document, i) => ({ name: `policy-${i}`, document }));
  const role = opts.role === undefined ? roleAllowsIot : opts.role;
  return {
    rolePolicies: (arn) => (arn === ROLE && role ? [{ name: 'role-inline', document: role }] : undefined),
    attachedPolicies: (target) => (target === IDENTITY ? attached : []),
  };
}

const doc = (...Statement: PolicyDocumentLike['Statement'][]): PolicyDocumentLike => ({ Version: '2012-10-17', Statement: Statement.flat() });

describe('IoT authorization engine', () => {
  it('allows an identity to connect with its own identity id as client id', () => {
    const decision = authorize({ principal: identity, action: 'iot:Connect', resource: iotArn('client', IDENTITY), clientId: IDENTITY }, context());
    expect(decision).toMatchObject({ allowed: true, reason: 'allowed' });
  });

  it("allows the identity id followed by '-' and a suffix (one client id per tab), and no other identity's", () => {
    const tab = `${IDENTITY}-tab-7f3a`;
    expect(authorize({ principal: identity, action: 'iot:Connect', resource: iotArn('client', tab), clientId: tab }, context())).toMatchObject({ allowed: true });
    for (const clientId of [`${OTHER}-tab-7f3a`, OTHER, `${IDENTITY}tab`, `x${IDENTITY}-tab`]) {
      expect(authorize({ principal: identity, action: 'iot:Connect', resource: iotArn('client', clientId), clientId }, context()).allowed, clientId).toBe(false);
    }
  });

  it('explains a connect with another client id as a client id mismatch', () => {
    const decision = authorize({ principal: identity, action: 'iot:Connect', resource: iotArn('client', 'my-app'), clientId: 'my-app' }, context());
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toBe('client-id-mismatch');
    expect(decision.detail).toContain(IDENTITY);
  });

  it('substitutes the cognito sub variable so an identity may use its own shadow only', () => {
    const own = authorize({ principal: identity, action: 'iot:Publish', resource: iotArn('topic', `$aws/things/${IDENTITY}/shadow/update`) }, context());
    const other = authorize({ principal: identity, action: 'iot:Publish', resource: iotArn('topic', `$aws/things/${OTHER}/shadow/update`) }, context());
    expect(own.allowed).toBe(true);
    expect(other).toMatchObject({ allowed: false, reason: 'iot-policy-denies' });
  });

  it('lets * match across topic levels, as IoT policy wildcards do', () => {
    const decision = authorize(
      { principal: identity, action: 'iot:Subscribe', resource: iotArn('topicfilter', `$aws/things/${IDENTITY}/shadow/name/device_lamp/update/delta`) },
      context(),
    );
    expect(decision.allowed).toBe(true);
  });

  it('matches ? as exactly one character', () => {
    const policy = doc({ Effect: 'Allow', Action: 'iot:Publish', Resource: iotArn('topic', 'room/?') });
    const ctx = context({ attached: [policy] });
    expect(authorize({ principal: identity, action: 'iot:Publish', resource: iotArn('topic', 'room/1') }, ctx).allowed).toBe(true);
    expect(authorize({ principal: identity, action: 'iot:Publish', resource: iotArn('topic', 'room/12') }, ctx).allowed).toBe(false);
  });

  it('treats the MQTT wildcards + and # in a policy as literal characters', () => {
    const policy = doc({ Effect: 'Allow', Action: 'iot:Subscribe', Resource: iotArn('topicfilter', 'sensors/#') });
    const ctx = context({ attached: [policy] });
    expect(authorize({ principal: identity, action: 'iot:Subscribe', resource: iotArn('topicfilter', 'sensors/#') }, ctx).allowed).toBe(true);
    expect(authorize({ principal: identity, action: 'iot:Subscribe', resource: iotArn('topicfilter', 'sensors/a') }, ctx).allowed).toBe(false);
  });

  it('matches action wildcards such as iot:* case-insensitively', () => {
    const policy = doc({ Effect: 'Allow', Action: 'IOT:*', Resource: '*' });
    expect(authorize({ principal: identity, action: 'iot:Receive', resource: iotArn('topic', 'x') }, context({ attached: [policy] })).allowed).toBe(true);
  });

  it('resolves ${iot:ClientId} to the connection client id', () => {
    const policy = doc({ Effect: 'Allow', Action: 'iot:Publish', Resource: iotArn('topic', 'clients/${iot:ClientId}/out') });
    const ctx = context({ attached: [policy] });
    expect(authorize({ principal: identity, action: 'iot:Publish', resource: iotArn('topic', 'clients/abc/out'), clientId: 'abc' }, ctx).allowed).toBe(true);
    expect(authorize({ principal: identity, action: 'iot:Publish', resource: iotArn('topic', 'clients/abc/out'), clientId: 'xyz' }, ctx).allowed).toBe(false);
  });

  it('never matches a statement whose variable has no value (thing variables are not emulated)', () => {
    const policy = doc({ Effect: 'Allow', Action: 'iot:Publish', Resource: iotArn('topic', '${iot:Connection.Thing.ThingName}/*') });
    const decision = authorize({ principal: identity, action: 'iot:Publish', resource: iotArn('topic', 'lamp/x') }, context({ attached: [policy] }));
    expect(decision).toMatchObject({ allowed: false, reason: 'iot-policy-denies' });
  });

  it('keeps a substituted value literal even when it contains wildcard characters', () => {
    const policy = doc({ Effect: 'Allow', Action: 'iot:Publish', Resource: iotArn('topic', 'c/${iot:ClientId}') });
    const decision = authorize({ principal: identity, action: 'iot:Publish', resource: iotArn('topic', 'c/abc'), clientId: 'a*' }, context({ attached: [policy] }));
    expect(decision.allowed).toBe(false);
  });

  it('lets an explicit Deny in an attached policy win over an Allow', () => {
    const denyDelta = doc({ Effect: 'Deny', Action: 'iot:Receive', Resource: iotArn('topic', '*/delta') });
    const decision = authorize(
      { principal: identity, action: 'iot:Receive', resource: iotArn('topic', `$aws/things/${IDENTITY}/shadow/update/delta`) },
      context({ attached: [template, denyDelta] }),
    );
    expect(decision).toMatchObject({ allowed: false, reason: 'iot-policy-explicit-deny' });
    expect(decision.detail).toContain('policy-1');
  });

  it('lets an explicit Deny in the role win over the attached policy', () => {
    const role = doc({ Effect: 'Allow', Action: 'iot:*', Resource: '*' }, { Effect: 'Deny', Action: 'iot:Connect', Resource: '*' });
    const decision = authorize({ principal: identity, action: 'iot:Connect', resource: iotArn('client', IDENTITY), clientId: IDENTITY }, context({ role }));
    expect(decision).toMatchObject({ allowed: false, reason: 'role-explicit-deny' });
  });

  it('denies an identity without an attached IoT policy even when the role allows everything', () => {
    const decision = authorize({ principal: identity, action: 'iot:Connect', resource: iotArn('client', IDENTITY), clientId: IDENTITY }, context({ attached: [] }));
    expect(decision).toMatchObject({ allowed: false, reason: 'no-policy-attached' });
    expect(decision.detail).toContain('AttachPolicy');
  });

  it('denies when the attached policy allows but the role does not (dual authorization)', () => {
    const role = doc({ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' });
    const decision = authorize({ principal: identity, action: 'iot:Publish', resource: iotArn('topic', `$aws/things/${IDENTITY}/shadow/update`) }, context({ role }));
    expect(decision).toMatchObject({ allowed: false, reason: 'role-denies' });
  });

  it('reports a role whose policy the sandbox was never given', () => {
    const decision = authorize({ principal: identity, action: 'iot:Connect', resource: iotArn('client', IDENTITY), clientId: IDENTITY }, context({ role: null }));
    expect(decision).toMatchObject({ allowed: false, reason: 'role-unknown' });
  });

  it('names the missing attachment before the role as the first cause', () => {
    const decision = authorize({ principal: identity, action: 'iot:Connect', resource: iotArn('client', IDENTITY), clientId: IDENTITY }, context({ attached: [], role: null }));
    expect(decision.reason).toBe('no-policy-attached');
  });

  it('denies a caller without identity', () => {
    expect(authorize({ principal: undefined, action: 'iot:Connect', resource: iotArn('client', 'x') }, context()).reason).toBe('no-identity');
  });

  it('allows the backend principal without evaluating policies', () => {
    const decision = authorize({ principal: { kind: 'backend' }, action: 'iot:UpdateThingShadow', resource: iotArn('thing', 'x') }, context({ attached: [], role: null }));
    expect(decision.allowed).toBe(true);
  });

  it('evaluates a custom-authorizer principal against its own policy documents only', () => {
    const principal: IotPrincipal = { kind: 'custom', principalId: 'alice', policyDocuments: [iotPolicyDocument({ region: 'us-east-1', account: '000000000000' }, IDENTITY)] };
    const ctx = context({ attached: [], role: null });
    expect(authorize({ principal, action: 'iot:Connect', resource: iotArn('client', IDENTITY), clientId: IDENTITY }, ctx).allowed).toBe(true);
    expect(authorize({ principal, action: 'iot:Connect', resource: iotArn('client', OTHER), clientId: OTHER }, ctx).reason).toBe('iot-policy-denies');
  });

  it('does not grant an Allow conditioned on an attached thing to an identity with none', () => {
    const policy = doc({ Effect: 'Allow', Action: 'iot:Publish', Resource: '*', Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } });
    expect(authorize({ principal: identity, action: 'iot:Publish', resource: iotArn('topic', 't') }, context({ attached: [policy] })).allowed).toBe(false);
  });
});
