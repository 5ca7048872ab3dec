import { randomUUID } from 'node:crypto';
import { AttachPolicyCommand, CreatePolicyCommand, IoTClient } from '@aws-sdk/client-iot';
import { auth, iot, mqtt } from 'aws-iot-device-sdk-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iotPolicyDocument } from '../../functions/shared/iot-policy';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../sandbox/config';
import { CredentialStore } from '../../sandbox/credentials';
import { FaultInjector } from '../../sandbox/faults';
import type { AuthorizationDecision } from '../../sandbox/iot/authorization';
import { startIotCore, type IotCore } from '../../sandbox/iot/core';
import { createSandboxTlsMaterial } from '../../sandbox/iot/tls';

const REGION = 'us-east-1';
const ROLE = 'arn:aws:iam::000000000000:role/sandbox-authenticated';
const template = iotPolicyDocument({ region: REGION, account: '000000000000' });

let core: IotCore;
let store: CredentialStore;
let ca: string;
const denials: AuthorizationDecision[] = [];

beforeAll(async () => {
  const tls = await createSandboxTlsMaterial();
  ca = tls.caPem;
  store = new CredentialStore();
  core = await startIotCore({ store, faults: new FaultInjector(), tls, onDenied: ({ decision }) => denials.push(decision) });
  core.setRolePolicy(ROLE, template);
  const control = new IoTClient({ region: REGION, endpoint: core.controlPlaneUrl, credentials: SANDBOX_BACKEND_CREDENTIALS });
  await control.send(new CreatePolicyCommand({ policyName: 'user', policyDocument: JSON.stringify(template) }));
  control.destroy();
});

afterAll(async () => {
  await core?.close();
});

async function identity(attach: boolean) {
  const identityId = `${REGION}:${randomUUID()}`;
  if (attach) {
    const control = new IoTClient({ region: REGION, endpoint: core.controlPlaneUrl, credentials: SANDBOX_BACKEND_CREDENTIALS });
    await control.send(new AttachPolicyCommand({ policyName: 'user', target: identityId }));
    control.destroy();
  }
  return { identityId, credentials: store.issueForIdentity(identityId, ROLE) };
}

function connection(clientId: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }) {
  const wss = new URL(core.wssUrl ?? '');
  const config = iot.AwsIotMqttConnectionConfigBuilder.new_with_websockets({
    region: REGION,
    credentials_provider: auth.AwsCredentialsProvider.newStatic(credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken),
  })
    .with_endpoint('localhost')
    .with_port(Number(wss.port))
    .with_certificate_authority(ca)
    .with_client_id(clientId)
    .with_clean_session(true)
    .build();
  return new mqtt.MqttClient().new_connection(config);
}

describe('aws-iot-device-sdk-v2 against the sandbox broker (wss + SigV4)', { timeout: 15_000 }, () => {
  it('connects as the identity and receives its shadow update/accepted', async () => {
    const { identityId, credentials } = await identity(true);
    const conn = connection(identityId, credentials);
    try {
      await conn.connect();
      const topic = `$aws/things/${identityId}/shadow/update/accepted`;
      const received = new Promise<Record<string, unknown>>((resolve) => {
        void conn.subscribe(topic, mqtt.QoS.AtLeastOnce, (_topic, payload) => resolve(JSON.parse(Buffer.from(payload).toString('utf8')) as Record<string, unknown>));
      });
      // subscribe() resolves on SUBACK; publish only after it so the answer cannot be missed.
      await conn.subscribe(`$aws/things/${identityId}/shadow/update/delta`, mqtt.QoS.AtLeastOnce);
      await conn.publish(`$aws/things/${identityId}/shadow/update`, JSON.stringify({ state: { reported: { online: true } } }), mqtt.QoS.AtLeastOnce);
      expect(await received).toMatchObject({ state: { reported: { online: true } }, version: 1 });
    } finally {
      await conn.disconnect().catch(() => undefined);
    }
  });

  it('is refused when the identity has no IoT policy attached', async () => {
    const { identityId, credentials } = await identity(false);
    const conn = connection(identityId, credentials);
    const error = await conn.connect().catch((e: unknown) => e);
    // The CRT reports a refused CONNACK as a protocol error; the sandbox's denial names the cause.
    expect(String(error)).toMatch(/Failed to connect/);
    expect(denials.at(-1)?.reason).toBe('no-policy-attached');
  });
});
