import { randomUUID } from 'node:crypto';
import { AttachPolicyCommand, CreatePolicyCommand } from '@aws-sdk/client-iot';
import { auth, iot, mqtt } from 'aws-iot-device-sdk-v2';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuthorizationDecision } from '../../../../sandbox/services/iot/authorization';
import { createSandboxTlsMaterial } from '../../../../sandbox/services/iot/tls';
import { fileFixture } from '../../../support/file-fixture';
import { iotCoreFixture, REGION, ROLE, template } from '../../../support/iot-core-fixture';
import { reportToShadow, whileConnected } from '../../../support/device-sdk';

let ca: string;
const denials: AuthorizationDecision[] = [];
const sandbox = fileFixture(async () => {
  const tls = await createSandboxTlsMaterial();
  ca = tls.caPem;
  return iotCoreFixture({ tls, onDenied: ({ decision }) => denials.push(decision) });
});

beforeAll(async () => {
  await sandbox.iot.send(new CreatePolicyCommand({ policyName: 'user', policyDocument: JSON.stringify(template) }));
});

async function identity(attach: boolean) {
  const identityId = `${REGION}:${randomUUID()}`;
  if (attach) await sandbox.iot.send(new AttachPolicyCommand({ policyName: 'user', target: identityId }));
  return { identityId, credentials: sandbox.store.issueForIdentity(identityId, ROLE) };
}

function connection(clientId: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }) {
  const wss = new URL(sandbox.core.wssUrl ?? '');
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
    await whileConnected(conn, async () => {
      expect(await reportToShadow(conn, identityId, { online: true })).toMatchObject({ state: { reported: { online: true } }, version: 1 });
    });
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
