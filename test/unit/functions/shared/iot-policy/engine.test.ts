import { describe, expect, it } from 'vitest';
import { devicePolicyDocument } from '../../../../../functions/shared/iot-policy/device-policy';
import {
  conditionHolds,
  evaluatePolicies,
  iotResourceArn,
  type PolicyDocumentLike,
  type PolicyStatementLike,
  type RequestContext,
} from '../../../../../functions/shared/iot-policy/engine';

const scope = { region: 'us-east-1', account: '123456789012' };
const topic = (name: string) => iotResourceArn('topic', name, scope);
const client = (name: string) => iotResourceArn('client', name, scope);
const lamp = { thingName: 'lamp-1', thingTypeName: 'Lamp', attributes: { owner: 'us-east-1:alice', room: 'kitchen' } };
const attachedLamp: RequestContext = { clientId: 'lamp-1', thing: lamp, isAttached: true };

const policy = (...Statement: PolicyStatementLike[]): PolicyDocumentLike => ({ Version: '2012-10-17', Statement });
const verdict = (document: PolicyDocumentLike, action: string, resource: string, context: RequestContext) =>
  evaluatePolicies([{ name: 'p', document }], action, resource, context).effect;

describe('IoT policy engine: resources and variables', () => {
  const devicePolicy = policy(
    { Effect: 'Allow', Action: 'iot:Connect', Resource: client('${iot:Connection.Thing.ThingName}') },
    { Effect: 'Allow', Action: 'iot:Publish', Resource: topic('$aws/things/${iot:Connection.Thing.ThingName}/shadow/*') },
    { Effect: 'Allow', Action: 'iot:Publish', Resource: topic('twins/${iot:Connection.Thing.Attributes[owner]}/${iot:Connection.Thing.ThingName}') },
  );

  it('resolves the thing name variable to the attached thing', () => {
    expect(verdict(devicePolicy, 'iot:Connect', client('lamp-1'), attachedLamp)).toBe('allow');
    expect(verdict(devicePolicy, 'iot:Publish', topic('$aws/things/lamp-1/shadow/update'), attachedLamp)).toBe('allow');
  });

  it('denies another thing\'s resources', () => {
    expect(verdict(devicePolicy, 'iot:Connect', client('lamp-2'), attachedLamp)).toBe('none');
    expect(verdict(devicePolicy, 'iot:Publish', topic('$aws/things/lamp-2/shadow/update'), attachedLamp)).toBe('none');
  });

  it('resolves a thing attribute variable by its exact name', () => {
    expect(verdict(devicePolicy, 'iot:Publish', topic('twins/us-east-1:alice/lamp-1'), attachedLamp)).toBe('allow');
    expect(verdict(devicePolicy, 'iot:Publish', topic('twins/us-east-1:bob/lamp-1'), attachedLamp)).toBe('none');
  });

  it('never matches a statement whose variable is unresolved, even against a literal ${...} resource', () => {
    const unattached: RequestContext = { clientId: 'lamp-1', isAttached: false };
    expect(verdict(devicePolicy, 'iot:Connect', client('lamp-1'), unattached)).toBe('none');
    expect(verdict(devicePolicy, 'iot:Connect', client('${iot:Connection.Thing.ThingName}'), unattached)).toBe('none');
  });

  it('leaves an attribute the thing does not have unresolved (an unclaimed device has no owner)', () => {
    const unclaimed: RequestContext = { ...attachedLamp, thing: { ...lamp, attributes: {} } };
    expect(verdict(devicePolicy, 'iot:Publish', topic('twins//lamp-1'), unclaimed)).toBe('none');
    expect(verdict(devicePolicy, 'iot:Publish', topic('twins/*/lamp-1'), unclaimed)).toBe('none');
  });

  it('substitutes variable values literally, so a client id with * is no wildcard', () => {
    const doc = policy({ Effect: 'Allow', Action: 'iot:Publish', Resource: topic('c/${iot:ClientId}') });
    expect(verdict(doc, 'iot:Publish', topic('c/anything'), { clientId: '*' })).toBe('none');
    expect(verdict(doc, 'iot:Publish', topic('c/*'), { clientId: '*' })).toBe('allow');
  });

  it('lets an explicit Deny win over an Allow', () => {
    const doc = policy({ Effect: 'Allow', Action: 'iot:*', Resource: '*' }, { Effect: 'Deny', Action: 'iot:Publish', Resource: topic('secret/*') });
    expect(verdict(doc, 'iot:Publish', topic('secret/x'), {})).toBe('deny');
    expect(verdict(doc, 'iot:Publish', topic('open/x'), {})).toBe('allow');
  });
});

describe('IoT policy engine: conditions', () => {
  const holds = (condition: unknown, context: RequestContext = attachedLamp) => conditionHolds(condition, context);

  it('Bool on IsAttached: true only for an attached thing (AWS thing policy example)', () => {
    const c = { Bool: { 'iot:Connection.Thing.IsAttached': ['true'] } };
    expect(holds(c)).toBe(true);
    expect(holds(c, { clientId: 'lamp-1', isAttached: false })).toBe(false);
    expect(holds({ Bool: { 'iot:Connection.Thing.IsAttached': true } })).toBe(true);
  });

  it.each<[behaviour: string, condition: unknown, holds: boolean, context?: RequestContext]>([
    ['StringEquals holds for the exact value', { StringEquals: { 'iot:Connection.Thing.ThingTypeName': 'Lamp' } }, true],
    ['StringEquals matches key names case-insensitively', { StringEquals: { 'IOT:CONNECTION.THING.THINGTYPENAME': 'Lamp' } }, true],
    ['StringEquals compares values case-sensitively', { StringEquals: { 'iot:Connection.Thing.ThingTypeName': 'lamp' } }, false],
    ['StringEquals takes * in a value literally', { StringEquals: { 'iot:Connection.Thing.ThingTypeName': 'L*' } }, false],
    ['StringEquals with several values holds when any of them matches (OR)', { StringEquals: { 'iot:Connection.Thing.Attributes[room]': ['hall', 'kitchen'] } }, true],
    ['StringEquals with several keys holds only when every key matches (AND)', { StringEquals: { 'iot:Connection.Thing.Attributes[room]': 'kitchen', 'iot:ClientId': 'other' } }, false],
    ['StringNotEquals holds when none of its values matches', { StringNotEquals: { 'iot:Connection.Thing.Attributes[room]': ['hall', 'garage'] } }, true],
    ['StringNotEquals fails when any of its values matches (NOR)', { StringNotEquals: { 'iot:Connection.Thing.Attributes[room]': ['hall', 'kitchen'] } }, false],
    ['StringNotEquals holds for an absent key', { StringNotEquals: { 'iot:Connection.Thing.Attributes[color]': 'red' } }, true],
    ['StringLike expands ? and holds on a match', { StringLike: { 'iot:ClientId': 'lamp-?' } }, true],
    ['StringLike fails when the expanded pattern does not match', { StringLike: { 'iot:ClientId': 'fan-*' } }, false],
    ['StringNotLike holds when the expanded pattern does not match', { StringNotLike: { 'iot:ClientId': 'fan-*' } }, true],
    ['StringNotLike expands * and fails on a match', { StringNotLike: { 'iot:ClientId': 'lamp*' } }, false],
    ['an absent key makes a positive operator false', { StringEquals: { 'iot:Connection.Thing.Attributes[color]': 'red' } }, false],
    ['an absent key makes the IfExists form true', { StringEqualsIfExists: { 'iot:Connection.Thing.Attributes[color]': 'red' } }, true],
    ['the IfExists form still compares a key that is present', { StringEqualsIfExists: { 'iot:Connection.Thing.Attributes[room]': 'hall' } }, false],
    ['an absent key makes BoolIfExists true', { BoolIfExists: { 'iot:Connection.Thing.IsAttached': 'true' } }, true, {}],
    ['Null false holds for a present key', { Null: { 'iot:Connection.Thing.Attributes[owner]': 'false' } }, true],
    ['Null true fails for a present key', { Null: { 'iot:Connection.Thing.Attributes[owner]': 'true' } }, false],
    ['Null true holds for an absent key', { Null: { 'iot:Connection.Thing.Attributes[color]': 'true' } }, true],
    ['resolves policy variables in condition values', { StringEquals: { 'iot:ClientId': '${iot:Connection.Thing.ThingName}' } }, true],
    ['fails a condition whose policy variable is unresolved', { StringEquals: { 'iot:ClientId': '${iot:Connection.Thing.ThingName}' } }, false, { clientId: 'lamp-1' }],
    ['fails a negated condition whose policy variable is unresolved too', { StringNotEquals: { 'iot:ClientId': '${iot:Connection.Thing.Attributes[color]}' } }, false],
    ['ForAnyValue is false for an absent key', { 'ForAnyValue:StringEquals': { 'iot:Connection.Thing.Attributes[color]': 'red' } }, false],
    ['ForAllValues is true for an absent key', { 'ForAllValues:StringEquals': { 'iot:Connection.Thing.Attributes[color]': 'red' } }, true],
    ['ForAnyValue holds when a value matches', { 'ForAnyValue:StringLike': { 'iot:ClientId': 'lamp-*' } }, true],
    ['treats an operator it does not know as a condition that does not hold', { NumericLessThan: { 'iot:ClientId': '3' } }, false],
    ['treats an unknown set qualifier as a condition that does not hold', { 'Sometimes:StringEquals': { 'iot:ClientId': 'lamp-1' } }, false],
  ])('%s', (_behaviour, condition, expected, context) => {
    expect(holds(condition, context)).toBe(expected);
  });

  it('ArnLike matches each colon-separated part on its own; ArnNotLike negates', () => {
    const key = 'iot:Connection.Thing.Attributes[peer]';
    const context = { ...attachedLamp, thing: { ...lamp, attributes: { peer: 'arn:aws:iot:us-east-1:123456789012:thing/lamp-1' } } };
    expect(holds({ ArnLike: { [key]: 'arn:aws:iot:*:123456789012:thing/*' } }, context)).toBe(true);
    expect(holds({ ArnEquals: { [key]: 'arn:aws:iot:us-east-1:*:thing/lamp-1' } }, context)).toBe(true);
    // A * within one part must not swallow the account part.
    expect(holds({ ArnLike: { [key]: 'arn:aws:iot:us-*:thing/*' } }, context)).toBe(false);
    expect(holds({ ArnNotLike: { [key]: 'arn:aws:iot:*:999999999999:*' } }, context)).toBe(true);
    expect(holds({ ArnLike: { [key]: '*' } }, context)).toBe(false);
  });

  it('applies an Allow only when its condition holds, and a conditional Deny only then too', () => {
    const doc = policy(
      { Effect: 'Allow', Action: 'iot:Connect', Resource: '*', Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } },
      { Effect: 'Deny', Action: 'iot:Connect', Resource: '*', Condition: { StringEquals: { 'iot:Connection.Thing.Attributes[room]': 'vault' } } },
    );
    expect(verdict(doc, 'iot:Connect', client('lamp-1'), attachedLamp)).toBe('allow');
    expect(verdict(doc, 'iot:Connect', client('lamp-1'), { clientId: 'lamp-1', isAttached: false })).toBe('none');
    const vault = { ...attachedLamp, thing: { ...lamp, attributes: { room: 'vault' } } };
    expect(verdict(doc, 'iot:Connect', client('lamp-1'), vault)).toBe('deny');
  });
});

describe('device policy template through the engine', () => {
  const document = devicePolicyDocument(scope);
  const lampOf = (attributes: Record<string, string>): RequestContext => ({ clientId: 'lamp-1', isAttached: true, thing: { thingName: 'lamp-1', attributes } });
  const claimed = lampOf({ owner: 'us-east-1:alice' });
  const twin = (owner: string) => topic(`$aws/things/${owner}/shadow/name/lamp-1/update`);

  it('lets a device connect only as its attached thing', () => {
    expect(verdict(document, 'iot:Connect', client('lamp-1'), claimed)).toBe('allow');
    expect(verdict(document, 'iot:Connect', client('lamp-2'), claimed)).toBe('none');
    expect(verdict(document, 'iot:Connect', client('lamp-1'), { clientId: 'lamp-1', isAttached: false })).toBe('none');
  });

  it('gives a device its own classic shadow and no other', () => {
    expect(verdict(document, 'iot:Publish', topic('$aws/things/lamp-1/shadow/update'), claimed)).toBe('allow');
    expect(verdict(document, 'iot:Subscribe', iotResourceArn('topicfilter', '$aws/things/lamp-1/shadow/update/delta', scope), claimed)).toBe('allow');
    expect(verdict(document, 'iot:Publish', topic('$aws/things/lamp-2/shadow/update'), claimed)).toBe('none');
  });

  it("reaches its twin in its owner's namespace only, and no twin while unclaimed", () => {
    expect(verdict(document, 'iot:Publish', twin('us-east-1:alice'), claimed)).toBe('allow');
    expect(verdict(document, 'iot:Publish', twin('us-east-1:bob'), claimed)).toBe('none');
    expect(verdict(document, 'iot:Publish', twin('us-east-1:alice'), lampOf({}))).toBe('none');
  });
});
