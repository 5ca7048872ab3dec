import { randomUUID } from 'node:crypto';
import {
  CreateAuthorizerCommand,
  DescribeAuthorizerCommand,
  DescribeDefaultAuthorizerCommand,
  IoTClient,
  SetDefaultAuthorizerCommand,
  TestInvokeAuthorizerCommand,
  UpdateAuthorizerCommand,
} from '@aws-sdk/client-iot';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../../../sandbox/wire/account';
import { closed, nextMessage } from '../../../../sandbox/clients/app-client';
import { CredentialStore } from '../../../../sandbox/wire/credentials';
import { FaultInjector } from '../../../../sandbox/wire/faults';
import { iotArn, type AuthorizationDecision } from '../../../../sandbox/services/iot/authorization';
import { startIotCore, type IotCore } from '../../../../sandbox/services/iot/core';
import type { CustomAuthorizerEvent, SandboxTimers } from '../../../../sandbox/services/iot/custom-auth';
import { createSandboxTlsMaterial } from '../../../../sandbox/services/iot/tls';

/** Timers that fire only when the test advances them: session deadlines without waiting. */
class ManualTimers implements SandboxTimers {
  private nowMs = 0;
  private pending: Array<{ at: number; fn: () => void }> = [];

  setTimeout(fn: () => void, delayMs: number): () => void {
    const timer = { at: this.nowMs + delayMs, fn };
    this.pending.push(timer);
    return () => {
      this.pending = this.pending.filter((t) => t !== timer);
    };
  }

  advance(ms: number): void {
    this.nowMs += ms;
    for (;;) {
      const due = this.pending.filter((t) => t.at <= this.nowMs).sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      this.pending = this.pending.filter((t) => t !== due);
      due.fn();
    }
  }
}

const DEFAULT_AUTHORIZER = 'SandboxTestAuthorizer';
const RECORDER = 'Recorder';
const PASSWORD = 's3cret-pw';

/** A policy for one client: connect as itself, its own shadow, presence events. */
function policyFor(clientId: string, opts: { publish?: boolean } = {}): string {
  const ownShadow = `$aws/things/${clientId}/shadow/*`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: iotArn('client', clientId) },
      { Effect: 'Allow', Action: (opts.publish ?? true) ? ['iot:Publish', 'iot:Receive'] : ['iot:Receive'], Resource: iotArn('topic', ownShadow) },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: [iotArn('topicfilter', ownShadow), iotArn('topicfilter', '$aws/events/presence/*')] },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: iotArn('topic', '$aws/events/presence/*') },
    ],
  });
}

function allow(event: CustomAuthorizerEvent, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    isAuthenticated: true,
    principalId: 'alice123',
    disconnectAfterInSeconds: 3600,
    refreshAfterInSeconds: 3600,
    policyDocuments: [policyFor(event.protocolData.mqtt?.clientId ?? '')],
    ...overrides,
  };
}

let core: IotCore;
let caPem: string;
let iot: IoTClient;
const timers = new ManualTimers();
const denials: AuthorizationDecision[] = [];
const events: CustomAuthorizerEvent[] = [];
const recorded: CustomAuthorizerEvent[] = [];
let respond: (event: CustomAuthorizerEvent) => Promise<unknown> = async (event) => allow(event);
const openClients: MqttClient[] = [];

const newClientId = () => `thing-${randomUUID().slice(0, 8)}`;

/** Connects a test client as `alice` with the password (MQTT 3.1.1, no reconnects, the sandbox CA trusted); closed after each test. */
async function connectClient(url: string, clientId: string, options: IClientOptions): Promise<MqttClient> {
  const client = await connectAsync(url, {
    clientId,
    username: 'alice',
    password: PASSWORD,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    ca: caPem,
    ...options,
  });
  openClients.push(client);
  return client;
}

/** mqtt.js over TLS with ALPN "mqtt" (AWS IoT's port-443 custom-auth endpoint) and the sandbox CA. */
function connectTls(clientId: string, extra: IClientOptions = {}): Promise<MqttClient> {
  return connectClient(core.mqttsUrl ?? '', clientId, { servername: 'localhost', ALPNProtocols: ['mqtt'], ...extra });
}

function connectWss(clientId: string, url: string, headers: Record<string, string> = {}): Promise<MqttClient> {
  // ws hands its options on to tls.connect: `servername` sends SNI although the URL is an IP.
  const wsOptions = { headers, servername: 'localhost' };
  return connectClient(url, clientId, { wsOptions });
}



beforeAll(async () => {
  const tls = await createSandboxTlsMaterial();
  caPem = tls.caPem;
  core = await startIotCore({ store: new CredentialStore(), faults: new FaultInjector(), timers, tls, onDenied: ({ decision }) => denials.push(decision) });
  core.registerAuthorizer({
    name: DEFAULT_AUTHORIZER,
    signingDisabled: true,
    makeDefault: true,
    handler: async (event) => {
      events.push(event);
      return respond(event);
    },
  });
  core.registerAuthorizer({
    name: RECORDER,
    signingDisabled: true,
    handler: async (event) => {
      recorded.push(event);
      return allow(event);
    },
  });
  iot = new IoTClient({ region: 'us-east-1', endpoint: core.controlPlaneUrl, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
});

afterEach(async () => {
  respond = async (event) => allow(event);
  events.length = 0;
  recorded.length = 0;
  denials.length = 0;
  await Promise.all(openClients.splice(0).map((c) => c.endAsync(true)));
});

afterAll(async () => {
  iot.destroy();
  await core.close();
});

// A missing message or a connection that never closes fails after 10 s instead of hanging.
describe('custom authorizer over MQTT/TLS (ALPN mqtt)', { timeout: 10_000 }, () => {
  it('connects with a valid authorizer answer and publishes to its own shadow', async () => {
    const clientId = newClientId();
    const client = await connectTls(clientId);
    const prefix = `$aws/things/${clientId}/shadow`;
    await client.subscribeAsync(`${prefix}/update/accepted`, { qos: 1 });
    const accepted = nextMessage(client, `${prefix}/update/accepted`);
    await client.publishAsync(`${prefix}/update`, JSON.stringify({ state: { reported: { online: true } } }), { qos: 1 });
    expect(await accepted).toMatchObject({ state: { reported: { online: true } }, version: 1 });
    expect(core.broker.principalOf(clientId)).toMatchObject({ kind: 'custom', principalId: 'alice123' });
  });

  it('sends the authorizer the event AWS IoT documents: username as sent, base64 password, SNI', async () => {
    const clientId = newClientId();
    const username = 'alice?SDK=NodeJSv2&Version=1.28.0';
    await connectTls(clientId, { username });
    expect(events).toEqual([
      {
        signatureVerified: false,
        protocols: ['tls', 'mqtt'],
        protocolData: {
          tls: { serverName: 'localhost' },
          mqtt: { username, password: Buffer.from(PASSWORD).toString('base64'), clientId },
        },
        connectionMetadata: { id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      },
    ]);
  });

  it('invokes the authorizer named in the username query string instead of the default one', async () => {
    const username = `alice?x-amz-customauthorizer-name=${RECORDER}&SDK=NodeJSv2&Version=1.28.0`;
    await connectTls(newClientId(), { username });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.protocolData.mqtt?.username).toBe(username);
    expect(events).toHaveLength(0);
  });

  it('closes the connection on a publish outside the returned policy', async () => {
    const client = await connectTls(newClientId());
    const gone = closed(client);
    // publishAsync never settles for a denied publish: the broker drops the connection instead.
    void client.publishAsync(`$aws/things/${newClientId()}/shadow/update`, '{"state":{}}', { qos: 1 }).catch(() => undefined);
    await gone;
    expect(denials.at(-1)).toMatchObject({ reason: 'iot-policy-denies' });
    expect(denials.at(-1)?.detail).toContain('custom-authorizer principal alice123');
  });

  it('refuses with CONNACK 5 when the authorizer answers isAuthenticated false', async () => {
    respond = async () => ({ isAuthenticated: false, principalId: 'nobody', disconnectAfterInSeconds: 300, refreshAfterInSeconds: 300, policyDocuments: [] });
    const error = await connectTls(newClientId()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 5 });
    expect(denials.at(-1)).toMatchObject({ reason: 'custom-auth-refused', detail: expect.stringContaining('isAuthenticated: false') });
  });

  it('refuses with CONNACK 5 when the authorizer throws', async () => {
    respond = async () => {
      throw new Error('Cognito is down');
    };
    const error = await connectTls(newClientId()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 5 });
    expect(denials.at(-1)?.detail).toContain('Cognito is down');
  });

  it('refuses with CONNACK 5 when the authorizer does not answer within 5 seconds', async () => {
    let invoked: () => void = () => undefined;
    const called = new Promise<void>((resolve) => (invoked = resolve));
    respond = () => {
      invoked();
      return new Promise(() => undefined);
    };
    const refused = connectTls(newClientId()).catch((e: unknown) => e);
    await called;
    timers.advance(4_999);
    timers.advance(1);
    expect(await refused).toMatchObject({ code: 5 });
    expect(denials.at(-1)?.detail).toContain('did not answer within 5 s');
  });

  const oversized = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: iotArn('client', 'x'.repeat(2_048)) }],
  });
  it.each([
    ['a principalId with a dash', { principalId: 'alice-123' }, 'principalId'],
    ['a principalId over 128 characters', { principalId: 'a'.repeat(129) }, 'principalId'],
    ['a policy document over 2,048 characters', { policyDocuments: [oversized] }, 'policyDocuments.0: Member must have length less than or equal to 2048'],
    ['11 policy documents', { policyDocuments: Array.from({ length: 11 }, () => '{"Statement":{"Effect":"Allow","Action":"iot:*","Resource":"*"}}') }, 'policyDocuments: Member must have length less than or equal to 10'],
    ['a policy document that is not JSON', { policyDocuments: ['{not json'] }, 'not valid JSON'],
    ['policyDocuments that are objects, not strings', { policyDocuments: [{ Statement: [] }] }, 'policyDocuments.0: Member must be of type string'],
    ['disconnectAfterInSeconds under 300', { disconnectAfterInSeconds: 299 }, 'disconnectAfterInSeconds'],
    ['refreshAfterInSeconds over 86,400', { refreshAfterInSeconds: 86_401 }, 'refreshAfterInSeconds'],
    ['no isAuthenticated', { isAuthenticated: undefined }, 'isAuthenticated'],
  ])('refuses with CONNACK 5 an answer with %s', async (_label, overrides, why) => {
    respond = async (event) => allow(event, overrides);
    const error = await connectTls(newClientId()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 5 });
    expect(denials.at(-1)).toMatchObject({ reason: 'custom-auth-refused', detail: expect.stringContaining(why) });
  });

  it('does not offer custom authentication over TLS without ALPN mqtt (the port-8883 endpoint)', async () => {
    const error = await connectAsync(core.mqttsUrl ?? '', { clientId: newClientId(), username: 'alice', password: PASSWORD, ca: caPem, reconnectPeriod: 0, protocolVersion: 4 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 5 });
    expect(denials.at(-1)).toMatchObject({ reason: 'certificate-refused', detail: expect.stringContaining('no client certificate') });
    expect(events).toHaveLength(0);
  });

  it('disconnects the client when disconnectAfterInSeconds elapses, with reason CUSTOMAUTH_TTL_EXPIRATION', async () => {
    const clientId = newClientId();
    respond = async (event) => allow(event, event.protocolData.mqtt?.clientId === clientId ? { disconnectAfterInSeconds: 600, refreshAfterInSeconds: 600 } : {});
    const watcher = await connectTls(newClientId());
    const presenceTopic = `$aws/events/presence/disconnected/${clientId}`;
    await watcher.subscribeAsync(presenceTopic, { qos: 1 });
    const client = await connectTls(clientId);
    const gone = closed(client);

    timers.advance(599_000);
    // Still connected one second before the deadline: a QoS 1 round trip succeeds.
    await client.publishAsync(`$aws/things/${clientId}/shadow/update`, '{"state":{"reported":{"a":1}}}', { qos: 1 });
    const presence = nextMessage(watcher, presenceTopic);
    timers.advance(1_000);
    await gone;
    expect(await presence).toMatchObject({ clientId, clientInitiatedDisconnect: false, disconnectReason: 'CUSTOMAUTH_TTL_EXPIRATION' });
    expect(watcher.connected).toBe(true);
  });

  it('re-invokes the authorizer at refreshAfterInSeconds and enforces the refreshed policies', async () => {
    const clientId = newClientId();
    let refreshed: () => void = () => undefined;
    const refresh = new Promise<void>((resolve) => (refreshed = resolve));
    respond = async (event) => {
      if (events.length === 1) return allow(event, { refreshAfterInSeconds: 300 });
      refreshed();
      return allow(event, { policyDocuments: [policyFor(clientId, { publish: false })] });
    };
    const client = await connectTls(clientId);
    await client.publishAsync(`$aws/things/${clientId}/shadow/update`, '{"state":{"reported":{"a":1}}}', { qos: 1 });

    timers.advance(300_000);
    await refresh;
    expect(events.map((e) => e.connectionMetadata.id)).toEqual([events[0]?.connectionMetadata.id, events[0]?.connectionMetadata.id]);
    const gone = closed(client);
    void client.publishAsync(`$aws/things/${clientId}/shadow/update`, '{"state":{"reported":{"a":2}}}', { qos: 1 }).catch(() => undefined);
    await gone;
    expect(denials.at(-1)).toMatchObject({ reason: 'iot-policy-denies' });
  });

  it('disconnects the client when a refresh answers isAuthenticated false', async () => {
    respond = async (event) => (events.length === 1 ? allow(event, { refreshAfterInSeconds: 300 }) : { isAuthenticated: false });
    const client = await connectTls(newClientId());
    const gone = closed(client);
    timers.advance(300_000);
    await gone;
    expect(denials.at(-1)).toMatchObject({ reason: 'custom-auth-refused', detail: expect.stringContaining('policy refresh') });
  });
});

describe('custom authorizer over WebSocket (wss)', { timeout: 10_000 }, () => {
  it('invokes the authorizer named in the x-amz-customauthorizer-name header, with the upgrade request as http data', async () => {
    const clientId = newClientId();
    // CONNACK (one frame) can reach the client before aedes reports the client ready.
    const ready = new Promise<void>((resolve) => core.broker.aedes.on('clientReady', (c) => c.id === clientId && resolve()));
    await connectWss(clientId, core.wssUrl ?? '', { 'x-amz-customauthorizer-name': RECORDER });
    await ready;
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      signatureVerified: false,
      protocols: ['tls', 'http', 'mqtt'],
      protocolData: {
        tls: { serverName: 'localhost' },
        http: { headers: { 'x-amz-customauthorizer-name': RECORDER }, queryString: '' },
        mqtt: { username: 'alice', password: Buffer.from(PASSWORD).toString('base64'), clientId },
      },
    });
    expect(core.broker.principalOf(clientId)).toMatchObject({ kind: 'custom' });
  });

  it('invokes the authorizer named in the upgrade query string', async () => {
    await connectWss(newClientId(), `${core.wssUrl ?? ''}?x-amz-customauthorizer-name=${RECORDER}`);
    expect(recorded[0]?.protocolData.http?.queryString).toBe(`?x-amz-customauthorizer-name=${RECORDER}`);
    expect(events).toHaveLength(0);
  });

  it('uses the default authorizer when none is named and refuses what it refuses', async () => {
    respond = async () => ({ isAuthenticated: false });
    const error = await connectWss(newClientId(), core.wssUrl ?? '').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 5 });
    expect(events).toHaveLength(1);
  });
});

describe('authorizer resources (client-iot)', { timeout: 10_000 }, () => {
  const functionArn = 'arn:aws:lambda:us-east-1:000000000000:function:api-created-authorizer';

  it('creates an authorizer on a registered function, describes it and authenticates with it', async () => {
    const calls: CustomAuthorizerEvent[] = [];
    core.authorizers.registerFunction(functionArn, async (event) => {
      calls.push(event);
      return allow(event);
    });
    const created = await iot.send(new CreateAuthorizerCommand({ authorizerName: 'ApiCreated', authorizerFunctionArn: functionArn, signingDisabled: true, status: 'ACTIVE' }));
    expect(created).toMatchObject({ authorizerName: 'ApiCreated', authorizerArn: 'arn:aws:iot:us-east-1:000000000000:authorizer/ApiCreated' });

    const described = await iot.send(new DescribeAuthorizerCommand({ authorizerName: 'ApiCreated' }));
    expect(described.authorizerDescription).toMatchObject({ authorizerFunctionArn: functionArn, status: 'ACTIVE', signingDisabled: true });
    expect(described.authorizerDescription?.creationDate).toBeInstanceOf(Date);

    await connectTls(newClientId(), { username: 'alice?x-amz-customauthorizer-name=ApiCreated' });
    expect(calls).toHaveLength(1);
  });

  it('refuses to create an authorizer with token signing enabled', async () => {
    const error = await iot
      .send(new CreateAuthorizerCommand({ authorizerName: 'Signed', authorizerFunctionArn: functionArn, tokenKeyName: 'token', tokenSigningPublicKeys: { k: 'pem' } }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidRequestException', $metadata: { httpStatusCode: 400 } });
  });

  it('refuses connections through an authorizer set INACTIVE', async () => {
    core.registerAuthorizer({ name: 'SoonInactive', signingDisabled: true, handler: async (event) => allow(event) });
    await iot.send(new UpdateAuthorizerCommand({ authorizerName: 'SoonInactive', status: 'INACTIVE' }));
    const error = await connectTls(newClientId(), { username: 'alice?x-amz-customauthorizer-name=SoonInactive' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 5 });
    expect(denials.at(-1)?.detail).toContain('INACTIVE');
  });

  it('answers TestInvokeAuthorizer with the function response, the password passed base64-encoded', async () => {
    const out = await iot.send(
      new TestInvokeAuthorizerCommand({ authorizerName: DEFAULT_AUTHORIZER, mqttContext: { username: 'alice', password: Buffer.from('pw'), clientId: 'c1' }, tlsContext: { serverName: 'localhost' } }),
    );
    expect(out).toMatchObject({ isAuthenticated: true, principalId: 'alice123', disconnectAfterInSeconds: 3600, refreshAfterInSeconds: 3600, policyDocuments: [policyFor('c1')] });
    expect(events[0]).toMatchObject({ protocols: ['tls', 'mqtt'], protocolData: { mqtt: { username: 'alice', password: 'cHc=', clientId: 'c1' }, tls: { serverName: 'localhost' } } });
  });

  it('answers InvalidResponseException when TestInvokeAuthorizer gets an invalid function response', async () => {
    respond = async (event) => allow(event, { principalId: 'not valid!' });
    const error = await iot.send(new TestInvokeAuthorizerCommand({ authorizerName: DEFAULT_AUTHORIZER, mqttContext: { username: 'alice', password: Buffer.from('pw') } })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidResponseException', $metadata: { httpStatusCode: 400 } });
  });

  it('sets the default authorizer that clients naming none are sent to', async () => {
    try {
      await iot.send(new SetDefaultAuthorizerCommand({ authorizerName: RECORDER }));
      const described = await iot.send(new DescribeDefaultAuthorizerCommand({}));
      expect(described.authorizerDescription?.authorizerName).toBe(RECORDER);
      await connectTls(newClientId());
      expect(recorded).toHaveLength(1);
      expect(events).toHaveLength(0);
    } finally {
      await iot.send(new SetDefaultAuthorizerCommand({ authorizerName: DEFAULT_AUTHORIZER }));
    }
  });
});
