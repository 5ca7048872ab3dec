import { randomUUID } from 'node:crypto';
import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  DeleteConflictException,
  DeletePolicyCommand,
  DescribeEndpointCommand,
  DetachPolicyCommand,
  GetPolicyCommand,
  IoTClient,
  ListAttachedPoliciesCommand,
  ListPoliciesCommand,
  ListTargetsForPolicyCommand,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-iot';
import { ForbiddenException, GetThingShadowCommand, IoTDataPlaneClient, PublishCommand, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../../../sandbox/wire/account';
import { closed, nextMessage } from '../../../../sandbox/clients/app-client';
import { Sha256 } from '../../../../functions/shared/aws/sha256';
import type { AuthorizationDecision } from '../../../../sandbox/services/iot/authorization';
import { fileFixture } from '../../../support/file-fixture';
import { iotCoreFixture, REGION, ROLE, template } from '../../../support/iot-core-fixture';

const POLICY = 'iot-onboarding-user';

const denials: AuthorizationDecision[] = [];
const sandbox = fileFixture(() => iotCoreFixture({ onDenied: ({ decision }) => denials.push(decision) }));
const openClients: MqttClient[] = [];
const sdkClients: Array<{ destroy(): void }> = [];

const newIdentityId = () => `${REGION}:${randomUUID()}`;

function dataPlane(credentials: AwsCredentialIdentity): IoTDataPlaneClient {
  const client = new IoTDataPlaneClient({ region: REGION, endpoint: sandbox.core.dataPlaneUrl, credentials, maxAttempts: 1 });
  sdkClients.push(client);
  return client;
}

/** An onboarded identity: role policy known, template policy attached, credentials issued. */
async function onboardedIdentity() {
  const identityId = newIdentityId();
  await sandbox.iot.send(new AttachPolicyCommand({ policyName: POLICY, target: identityId }));
  return { identityId, credentials: sandbox.store.issueForIdentity(identityId, ROLE) };
}

async function presignedWsUrl(credentials: AwsCredentialIdentity, opts: { signingDate?: Date; expiresIn?: number } = {}): Promise<string> {
  const url = new URL(sandbox.core.wsUrl);
  const signer = new SignatureV4({ service: 'iotdevicegateway', region: REGION, credentials, sha256: Sha256 });
  const signed = await signer.presign(
    { method: 'GET', protocol: 'ws:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host }, query: {} },
    { expiresIn: opts.expiresIn ?? 300, ...(opts.signingDate ? { signingDate: opts.signingDate } : {}) },
  );
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${url.origin}${url.pathname}?${query}`;
}

async function connect(url: string, clientId: string, extra: IClientOptions = {}): Promise<MqttClient> {
  const client = await connectAsync(url, { clientId, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5_000, ...extra });
  openClients.push(client);
  return client;
}

beforeAll(async () => {
  await sandbox.iot.send(new CreatePolicyCommand({ policyName: POLICY, policyDocument: JSON.stringify(template) }));
});

afterEach(async () => {
  sandbox.faults.clear();
  denials.length = 0;
  await Promise.all(openClients.splice(0).map((c) => c.endAsync(true)));
});

afterAll(() => {
  for (const c of sdkClients) c.destroy();
});

describe('IoT control plane (client-iot)', () => {
  it('attaches a policy idempotently and lists it once', async () => {
    const target = newIdentityId();
    await sandbox.iot.send(new AttachPolicyCommand({ policyName: POLICY, target }));
    await sandbox.iot.send(new AttachPolicyCommand({ policyName: POLICY, target }));

    const attached = await sandbox.iot.send(new ListAttachedPoliciesCommand({ target }));
    expect(attached.policies).toEqual([{ policyName: POLICY, policyArn: `arn:aws:iot:us-east-1:000000000000:policy/${POLICY}` }]);
    const targets = await sandbox.iot.send(new ListTargetsForPolicyCommand({ policyName: POLICY }));
    expect(targets.targets).toContain(target);
  });

  it('returns the policy document verbatim from GetPolicy', async () => {
    const policy = await sandbox.iot.send(new GetPolicyCommand({ policyName: POLICY }));
    expect(JSON.parse(policy.policyDocument ?? '')).toEqual(template);
    expect(policy.creationDate).toBeInstanceOf(Date);
  });

  it('rejects creating an existing policy with ResourceAlreadyExistsException', async () => {
    const error = await sandbox.iot.send(new CreatePolicyCommand({ policyName: POLICY, policyDocument: JSON.stringify(template) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceAlreadyExistsException);
    expect((error as ResourceAlreadyExistsException).resourceArn).toBe(`arn:aws:iot:us-east-1:000000000000:policy/${POLICY}`);
  });

  it('refuses to delete an attached policy and deletes it once detached', async () => {
    const policyName = `temp-${randomUUID().slice(0, 8)}`;
    const target = newIdentityId();
    await sandbox.iot.send(new CreatePolicyCommand({ policyName, policyDocument: JSON.stringify(template) }));
    await sandbox.iot.send(new AttachPolicyCommand({ policyName, target }));

    const conflict = await sandbox.iot.send(new DeletePolicyCommand({ policyName })).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(DeleteConflictException);

    await sandbox.iot.send(new DetachPolicyCommand({ policyName, target }));
    await sandbox.iot.send(new DeletePolicyCommand({ policyName }));
    const remaining = await sandbox.iot.send(new ListPoliciesCommand({}));
    expect(remaining.policies?.map((p) => p.policyName)).not.toContain(policyName);
    expect((await sandbox.iot.send(new ListAttachedPoliciesCommand({ target }))).policies).toEqual([]);
  });

  it('rejects a malformed policy document with MalformedPolicyException', async () => {
    const error = await sandbox.iot.send(new CreatePolicyCommand({ policyName: `bad-${randomUUID().slice(0, 8)}`, policyDocument: '{"Statement":[]}' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'MalformedPolicyException', $metadata: { httpStatusCode: 400 } });
  });

  it('describes the ATS data endpoint as the sandbox data plane host', async () => {
    const endpoint = await sandbox.iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
    expect(endpoint.endpointAddress).toBe(sandbox.core.dataEndpointHost);
  });

  it('refuses a request signed with an unknown secret', async () => {
    const forged = new IoTClient({ region: REGION, endpoint: sandbox.core.controlPlaneUrl, credentials: { ...SANDBOX_BACKEND_CREDENTIALS, secretAccessKey: 'wrong' }, maxAttempts: 1 });
    sdkClients.push(forged);
    const error = await forged.send(new ListAttachedPoliciesCommand({ target: 'x' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403 } });
  });

  it('answers an injected throttling fault with ThrottlingException', async () => {
    sandbox.faults.set('iot:AttachPolicy', { failNext: 1, failWith: 'throttle' });
    const error = await sandbox.iot.send(new AttachPolicyCommand({ policyName: POLICY, target: newIdentityId() })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ThrottlingException' });
  });
});

describe('IoT data plane (client-iot-data-plane)', () => {
  it('updates and reads a shadow with the backend credentials', async () => {
    const client = dataPlane(SANDBOX_BACKEND_CREDENTIALS);
    const thingName = newIdentityId();
    const update = await client.send(new UpdateThingShadowCommand({ thingName, payload: Buffer.from(JSON.stringify({ state: { desired: { welcome: 'v1' } } })) }));
    expect(JSON.parse(Buffer.from(update.payload ?? []).toString('utf8'))).toMatchObject({ state: { desired: { welcome: 'v1' } }, version: 1 });

    const shadow = await client.send(new GetThingShadowCommand({ thingName }));
    expect(JSON.parse(Buffer.from(shadow.payload ?? []).toString('utf8'))).toMatchObject({ state: { desired: { welcome: 'v1' }, delta: { welcome: 'v1' } }, version: 1 });
  });

  it('answers ResourceNotFoundException for a thing without shadow', async () => {
    const error = await dataPlane(SANDBOX_BACKEND_CREDENTIALS).send(new GetThingShadowCommand({ thingName: 'device_none' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
  });

  it('lets an onboarded identity publish to its own shadow update topic, which updates the shadow', async () => {
    const { identityId, credentials } = await onboardedIdentity();
    await dataPlane(credentials).send(
      new PublishCommand({ topic: `$aws/things/${identityId}/shadow/update`, qos: 1, payload: Buffer.from(JSON.stringify({ state: { desired: { lamp: 'on' } } })) }),
    );
    expect(sandbox.core.shadows.peek(identityId)).toMatchObject({ state: { desired: { lamp: 'on' } } });
  });

  it('forbids an identity REST shadow calls the template does not grant (iot:UpdateThingShadow)', async () => {
    const { identityId, credentials } = await onboardedIdentity();
    const error = await dataPlane(credentials)
      .send(new UpdateThingShadowCommand({ thingName: identityId, payload: Buffer.from('{"state":{"desired":{"a":1}}}') }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenException);
    expect(denials.at(-1)?.reason).toBe('iot-policy-denies');
  });

  it('forbids a publish by an identity without an attached policy', async () => {
    const identityId = newIdentityId();
    const credentials = sandbox.store.issueForIdentity(identityId, ROLE);
    const error = await dataPlane(credentials)
      .send(new PublishCommand({ topic: `$aws/things/${identityId}/shadow/update`, payload: Buffer.from('{"state":{"desired":{"a":1}}}') }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ForbiddenException', $metadata: { httpStatusCode: 403 } });
    expect(denials.at(-1)?.reason).toBe('no-policy-attached');
  });

  it('answers an injected throttling fault on Publish with ThrottlingException 429', async () => {
    sandbox.faults.set('iot:Publish', { failNext: 1, failWith: 'throttle' });
    const error = await dataPlane(SANDBOX_BACKEND_CREDENTIALS)
      .send(new PublishCommand({ topic: 'sandbox/test', payload: Buffer.from('{}') }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
  });

  it('forbids an identity to publish to another identity shadow', async () => {
    const { credentials } = await onboardedIdentity();
    const error = await dataPlane(credentials)
      .send(new PublishCommand({ topic: `$aws/things/${newIdentityId()}/shadow/update`, payload: Buffer.from('{"state":{"desired":{"a":1}}}') }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenException);
  });
});

// A missing message or a connection that never closes fails after 10 s instead of hanging.
describe('MQTT broker', { timeout: 10_000 }, () => {
  it('accepts an identity over WebSocket with SigV4 and delivers update/accepted and delta for its shadow', async () => {
    const { identityId, credentials } = await onboardedIdentity();
    const client = await connect(await presignedWsUrl(credentials), identityId);
    const prefix = `$aws/things/${identityId}/shadow`;
    const granted = await client.subscribeAsync([`${prefix}/update/accepted`, `${prefix}/update/delta`], { qos: 1 });
    expect(granted.map((g) => g.qos)).toEqual([1, 1]);

    const accepted = nextMessage(client, `${prefix}/update/accepted`);
    const delta = nextMessage(client, `${prefix}/update/delta`);
    await client.publishAsync(`${prefix}/update`, JSON.stringify({ state: { desired: { color: 'red' } }, clientToken: 'ct-1' }), { qos: 1 });

    expect(await accepted).toMatchObject({ state: { desired: { color: 'red' } }, version: 1, clientToken: 'ct-1' });
    expect(await delta).toMatchObject({ state: { color: 'red' }, version: 1, clientToken: 'ct-1' });
  });

  it('delivers shadow changes made through the REST data plane to MQTT subscribers', async () => {
    const { identityId, credentials } = await onboardedIdentity();
    const client = await connect(await presignedWsUrl(credentials), identityId);
    const topic = `$aws/things/${identityId}/shadow/update/delta`;
    await client.subscribeAsync(topic, { qos: 1 });
    const delta = nextMessage(client, topic);
    await dataPlane(SANDBOX_BACKEND_CREDENTIALS).send(
      new UpdateThingShadowCommand({ thingName: identityId, payload: Buffer.from('{"state":{"desired":{"welcome":"v1"}}}') }),
    );
    expect(await delta).toMatchObject({ state: { welcome: 'v1' } });
  });

  it('keeps two connections of one identity (one per tab, client ids <identityId>-<suffix>) and refuses another identity the same suffix scheme', async () => {
    const { identityId, credentials } = await onboardedIdentity();
    const first = await connect(await presignedWsUrl(credentials), `${identityId}-tab1`);
    const second = await connect(await presignedWsUrl(credentials), `${identityId}-tab2`);
    const topic = `$aws/things/${identityId}/shadow/update/documents`;
    await Promise.all([first.subscribeAsync(topic, { qos: 1 }), second.subscribeAsync(topic, { qos: 1 })]);
    const both = Promise.all([nextMessage(first, topic), nextMessage(second, topic)]);
    await dataPlane(SANDBOX_BACKEND_CREDENTIALS).send(new UpdateThingShadowCommand({ thingName: identityId, payload: Buffer.from('{"state":{"reported":{"tabs":2}}}') }));
    expect(await both).toMatchObject([{ current: { state: { reported: { tabs: 2 } } } }, { current: { state: { reported: { tabs: 2 } } } }]);
    expect([first.connected, second.connected]).toEqual([true, true]);

    const other = await onboardedIdentity();
    const error = await connect(await presignedWsUrl(other.credentials), `${identityId}-tab3`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 5 });
    expect(first.connected).toBe(true);
    await Promise.all([first.endAsync(), second.endAsync()]);
  });

  it('refuses a connect whose client id is not the identity id, naming the cause', async () => {
    const { credentials } = await onboardedIdentity();
    const error = await connect(await presignedWsUrl(credentials), 'my-app-client').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 5 });
    expect(denials.at(-1)?.reason).toBe('client-id-mismatch');
  });

  it('refuses an identity that has no policy attached', async () => {
    const identityId = newIdentityId();
    const error = await connect(await presignedWsUrl(sandbox.store.issueForIdentity(identityId, ROLE)), identityId).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 5 });
    expect(denials.at(-1)?.reason).toBe('no-policy-attached');
  });

  it('grants failure (128) for a subscription to another identity shadow and keeps the connection', async () => {
    const { identityId, credentials } = await onboardedIdentity();
    const client = await connect(await presignedWsUrl(credentials), identityId);
    // mqtt.js turns any 0x80 into an error: read the SUBACK itself.
    const suback = new Promise<number[]>((resolve) =>
      client.on('packetreceive', (packet) => {
        if (packet.cmd === 'suback') resolve(packet.granted as number[]);
      }),
    );
    const subscribed = client
      .subscribeAsync([`$aws/things/${identityId}/shadow/update/accepted`, `$aws/things/${newIdentityId()}/shadow/update/accepted`], { qos: 1 })
      .catch((e: unknown) => e);
    expect(await suback).toEqual([1, 128]);
    expect(String(await subscribed)).toContain('Subscribe error');
    expect(client.connected).toBe(true);
    expect(denials.at(-1)?.reason).toBe('iot-policy-denies');
  });

  it('disconnects a client that publishes to a topic it may not publish to', async () => {
    const { identityId, credentials } = await onboardedIdentity();
    const client = await connect(await presignedWsUrl(credentials), identityId);
    const gone = closed(client);
    // publishAsync never settles for a denied publish: the broker drops the connection instead.
    void client.publishAsync(`$aws/things/${newIdentityId()}/shadow/update`, '{"state":{}}', { qos: 1 }).catch(() => undefined);
    await gone;
    expect(denials.at(-1)?.reason).toBe('iot-policy-denies');
  });

  it('does not deliver a message on a topic the subscriber may subscribe to but not receive', async () => {
    // A policy that allows subscribing to lab/* but receiving only lab/allowed (and a role that allows all).
    const role = 'arn:aws:iam::000000000000:role/lab';
    sandbox.core.setRolePolicy(role, { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'iot:*', Resource: '*' } });
    const arn = (type: string, name: string) => `arn:aws:iot:${REGION}:000000000000:${type}/${name}`;
    const labPolicy = `lab-${randomUUID()}`;
    await sandbox.iot.send(
      new CreatePolicyCommand({
        policyName: labPolicy,
        policyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'iot:Connect', Resource: arn('client', '${iot:ClientId}') },
            { Effect: 'Allow', Action: 'iot:Subscribe', Resource: arn('topicfilter', 'lab/*') },
            { Effect: 'Allow', Action: 'iot:Publish', Resource: arn('topic', 'lab/*') },
            { Effect: 'Allow', Action: 'iot:Receive', Resource: arn('topic', 'lab/allowed') },
          ],
        }),
      }),
    );
    const identityId = newIdentityId();
    await sandbox.iot.send(new AttachPolicyCommand({ policyName: labPolicy, target: identityId }));
    const client = await connect(await presignedWsUrl(sandbox.store.issueForIdentity(identityId, role)), identityId);
    expect((await client.subscribeAsync(['lab/denied', 'lab/allowed'], { qos: 1 })).map((g) => g.qos)).toEqual([1, 1]);
    const received: string[] = [];
    client.on('message', (topic) => received.push(topic));
    const allowed = nextMessage(client, 'lab/allowed');

    // One connection's messages arrive in order: once lab/allowed is in, lab/denied was decided.
    await client.publishAsync('lab/denied', '{"n":1}', { qos: 1 });
    await client.publishAsync('lab/allowed', '{"n":2}', { qos: 1 });
    await allowed;

    expect(received).toEqual(['lab/allowed']);
  });

  /** The HTTP status the server answers a WebSocket upgrade with (101 when accepted). */
  function upgradeStatus(url: string): Promise<number> {
    return new Promise<number>((resolve) => {
      const ws = new WebSocket(url, 'mqtt');
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('open', () => {
        resolve(101);
        ws.close();
      });
      ws.on('error', () => undefined);
    });
  }

  it('accepts the upgrade for a correctly presigned URL', async () => {
    const { credentials } = await onboardedIdentity();
    expect(await upgradeStatus(await presignedWsUrl(credentials))).toBe(101);
  });

  it.each([
    ['a tampered signature', (url: string) => url.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`)],
    ['an unknown access key', (url: string) => url.replace(/X-Amz-Credential=ASIA/, 'X-Amz-Credential=ASIB')],
    ['no signature at all', (url: string) => url.split('?')[0] ?? url],
  ])('refuses the WebSocket upgrade with HTTP 403 for %s', async (_name, tamper) => {
    const { credentials } = await onboardedIdentity();
    expect(await upgradeStatus(tamper(await presignedWsUrl(credentials)))).toBe(403);
  });

  it('refuses the WebSocket upgrade with HTTP 403 for an expired presigned URL', async () => {
    const { credentials } = await onboardedIdentity();
    const url = await presignedWsUrl(credentials, { signingDate: new Date(Date.now() - 10 * 60_000), expiresIn: 60 });
    expect(await upgradeStatus(url)).toBe(403);
  });

  it('publishes connected and disconnected lifecycle events of a client', async () => {
    const watcher = await connect(await presignedWsUrl(SANDBOX_BACKEND_CREDENTIALS), `watcher-${randomUUID().slice(0, 8)}`);
    const { identityId, credentials } = await onboardedIdentity();
    await watcher.subscribeAsync([`$aws/events/presence/connected/${identityId}`, `$aws/events/presence/disconnected/${identityId}`], { qos: 1 });

    const connectedEvent = nextMessage(watcher, `$aws/events/presence/connected/${identityId}`);
    const client = await connect(await presignedWsUrl(credentials), identityId);
    expect(await connectedEvent).toMatchObject({ clientId: identityId, eventType: 'connected', versionNumber: 0, principalIdentifier: identityId });

    const disconnectedEvent = nextMessage(watcher, `$aws/events/presence/disconnected/${identityId}`);
    await client.endAsync();
    const event = await disconnectedEvent;
    expect(event).toMatchObject({ clientId: identityId, eventType: 'disconnected', clientInitiatedDisconnect: true, disconnectReason: 'CLIENT_INITIATED_DISCONNECT' });
    expect(typeof event.sessionIdentifier).toBe('string');
    expect(typeof event.timestamp).toBe('number');
  });

  it('gives a TCP client whose id looks like a device nothing: no certificate, no credential', async () => {
    const error = await connect(sandbox.core.mqttUrl, 'device_x').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 5 });
    expect(denials.at(-1)?.reason).toBe('no-identity');
  });

  it('refuses a TCP client without credentials', async () => {
    const error = await connect(sandbox.core.mqttUrl, 'laptop-1').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 5 });
    expect(denials.at(-1)?.reason).toBe('no-identity');
  });
});
