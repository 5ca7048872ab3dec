import { describe, expect, it } from 'vitest';
import { devicePolicyDocument } from '../../../../../functions/shared/iot-policy/device-policy';
import { iotPolicyDocument, twinTopic } from '../../../../../functions/shared/iot-policy/user-policy';
import { evaluatePolicies, iotResourceArn, type RequestContext } from '../../../../../functions/shared/iot-policy/engine';

const scope = { region: 'us-east-1', account: '123456789012' };
const ALICE = 'us-east-1:11111111-1111-4111-8111-111111111111';
const BOB = 'us-east-1:22222222-2222-4222-8222-222222222222';
const topic = (name: string) => iotResourceArn('topic', name, scope);
const filter = (name: string) => iotResourceArn('topicfilter', name, scope);
const client = (name: string) => iotResourceArn('client', name, scope);

describe('user policy template through the engine', () => {
  const document = iotPolicyDocument(scope);
  const asAlice: RequestContext = { identityId: ALICE, clientId: ALICE };
  const verdict = (action: string, resource: string, context: RequestContext = asAlice) =>
    evaluatePolicies([{ name: 'user', document }], action, resource, context).effect;

  it('connects a user only as their own identity id', () => {
    expect(verdict('iot:Connect', client(ALICE))).toBe('allow');
    expect(verdict('iot:Connect', client(BOB))).toBe('none');
    expect(verdict('iot:Connect', client('device_demo'))).toBe('none');
  });

  it("allows the user's classic shadow and their twins (named shadows of their identity thing)", () => {
    for (const action of ['iot:Publish', 'iot:Receive']) {
      expect(verdict(action, topic(`$aws/things/${ALICE}/shadow/update`))).toBe('allow');
      expect(verdict(action, topic(twinTopic(ALICE, 'device_demo', 'update')))).toBe('allow');
    }
    expect(verdict('iot:Subscribe', filter(twinTopic(ALICE, 'device_demo', 'update/delta')))).toBe('allow');
  });

  it("denies another user's twin, a device's own shadow and every device_* shadow", () => {
    expect(verdict('iot:Publish', topic(twinTopic(BOB, 'device_demo', 'update')))).toBe('none');
    expect(verdict('iot:Subscribe', filter(twinTopic(BOB, 'device_demo', 'update/accepted')))).toBe('none');
    expect(verdict('iot:Publish', topic('$aws/things/device_demo/shadow/update'))).toBe('none');
    expect(verdict('iot:Receive', topic('$aws/things/device_demo/shadow/update/delta'))).toBe('none');
    expect(verdict('iot:Subscribe', filter('$aws/things/device_demo/shadow/#'))).toBe('none');
  });

  it('denies wildcard filters over other things and every presence topic', () => {
    expect(verdict('iot:Subscribe', filter('$aws/things/+/shadow/#'))).toBe('none');
    expect(verdict('iot:Subscribe', filter('#'))).toBe('none');
    expect(verdict('iot:Subscribe', filter('$aws/events/presence/connected/device_demo'))).toBe('none');
    expect(verdict('iot:Receive', topic('$aws/events/presence/disconnected/device_demo'))).toBe('none');
  });

  it('denies everything when the identity variable does not resolve (not a Cognito caller)', () => {
    const device: RequestContext = { clientId: ALICE };
    expect(verdict('iot:Connect', client(ALICE), device)).toBe('none');
    expect(verdict('iot:Publish', topic(`$aws/things/${ALICE}/shadow/update`), device)).toBe('none');
  });

  it("renders the authorizer's per-user policy for that user only", () => {
    const rendered = iotPolicyDocument(scope, ALICE);
    const literal = (action: string, resource: string) => evaluatePolicies([{ name: 'a', document: rendered }], action, resource, {}).effect;
    expect(literal('iot:Publish', topic(twinTopic(ALICE, 'device_demo', 'update')))).toBe('allow');
    expect(literal('iot:Publish', topic(twinTopic(BOB, 'device_demo', 'update')))).toBe('none');
  });
});

describe('device policy template through the engine', () => {
  const document = devicePolicyDocument(scope);
  const lamp = (attributes: Record<string, string>, isAttached = true): RequestContext => ({
    clientId: 'device_demo',
    isAttached,
    thing: { thingName: 'device_demo', attributes },
  });
  const verdict = (action: string, resource: string, context: RequestContext) =>
    evaluatePolicies([{ name: 'device', document }], action, resource, context).effect;

  it('connects only while the IsAttached condition holds', () => {
    expect(verdict('iot:Connect', client('device_demo'), lamp({}))).toBe('allow');
    expect(verdict('iot:Connect', client('device_demo'), lamp({}, false))).toBe('none');
  });

  it('denies every statement when the thing variables are unresolved (no attached thing)', () => {
    const unattached: RequestContext = { clientId: 'device_demo', isAttached: false };
    expect(verdict('iot:Connect', client('device_demo'), unattached)).toBe('none');
    expect(verdict('iot:Publish', topic('$aws/things/device_demo/shadow/update'), unattached)).toBe('none');
  });

  it("reaches the twin in its owner's namespace once claimed, for receive and subscribe too", () => {
    const claimed = lamp({ owner: ALICE });
    expect(verdict('iot:Receive', topic(twinTopic(ALICE, 'device_demo', 'update/delta')), claimed)).toBe('allow');
    expect(verdict('iot:Subscribe', filter(twinTopic(ALICE, 'device_demo', 'update/delta')), claimed)).toBe('allow');
    expect(verdict('iot:Subscribe', filter(twinTopic(BOB, 'device_demo', 'update/delta')), claimed)).toBe('none');
    expect(verdict('iot:Publish', topic(twinTopic(ALICE, 'device_other', 'update')), claimed)).toBe('none');
  });

  it("fails closed while unclaimed: no twin anywhere, the own classic shadow still works", () => {
    const unclaimed = lamp({});
    expect(verdict('iot:Publish', topic(twinTopic(ALICE, 'device_demo', 'update')), unclaimed)).toBe('none');
    expect(verdict('iot:Subscribe', filter('$aws/things/+/shadow/name/device_demo/update/delta'), unclaimed)).toBe('none');
    expect(verdict('iot:Publish', topic('$aws/things/device_demo/shadow/update'), unclaimed)).toBe('allow');
  });

  it('fits the 2,048-character policy document limit, as does the user template', () => {
    expect(JSON.stringify(document).length).toBeLessThanOrEqual(2048);
    expect(JSON.stringify(iotPolicyDocument(scope)).length).toBeLessThanOrEqual(2048);
  });
});
