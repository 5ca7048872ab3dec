import { auth, iot, mqtt } from 'aws-iot-device-sdk-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, within, type Harness } from './harness';
import { buildForSandboxPort } from '../../support/device-sdk';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const tlsPort = (url: string) => Number(new URL(url).port);
const parse = (payload: ArrayBuffer) => JSON.parse(Buffer.from(payload).toString('utf8')) as Record<string, unknown>;

/** The device SDK over WebSocket with SigV4, as the first source article's backend connects. */
function sigv4Connection(clientId: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  const config = iot.AwsIotMqttConnectionConfigBuilder.new_with_websockets({
    region: 'us-east-1',
    credentials_provider: auth.AwsCredentialsProvider.newStatic(credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken),
  })
    .with_endpoint('localhost')
    .with_port(tlsPort(h.sandbox.endpoints.mqttWebSocketTls))
    .with_certificate_authority(h.sandbox.caPem)
    .with_client_id(clientId)
    .with_clean_session(false)
    .with_keep_alive_seconds(30)
    .build();
  return new mqtt.MqttClient().new_connection(config);
}

/** The device SDK's custom-authorizer connection (the second source article's path). */
function customAuthConnection(username: string, password: string, clientId: string) {
  const config = buildForSandboxPort(
      iot.AwsIotMqttConnectionConfigBuilder.new_default_builder()
      // Sets ALPN "mqtt" and port 443; the port is moved to the sandbox's TLS port afterwards.
      .with_custom_authorizer(username, h.sandbox.authorizerName, '', password)
      .with_endpoint('localhost')
      .with_port(tlsPort(h.sandbox.endpoints.mqttTls))
      .with_certificate_authority(h.sandbox.caPem)
      .with_client_id(clientId)
      .with_clean_session(true));
  return new mqtt.MqttClient().new_connection(config);
}

/** Publishes a reported state to the shadow and resolves with update/accepted. */
async function updateOwnShadow(connection: mqtt.MqttClientConnection, identityId: string, reported: Record<string, unknown>) {
  const topic = `$aws/things/${identityId}/shadow`;
  const accepted = new Promise<Record<string, unknown>>((resolve) => {
    void connection.subscribe(`${topic}/update/accepted`, mqtt.QoS.AtLeastOnce, (_t, payload) => resolve(parse(payload)));
  });
  await connection.subscribe(`${topic}/update/rejected`, mqtt.QoS.AtLeastOnce);
  await connection.publish(`${topic}/update`, JSON.stringify({ state: { reported } }), mqtt.QoS.AtLeastOnce);
  return within(accepted, 5_000, 'update/accepted');
}

describe('aws-iot-device-sdk-v2 against the sandbox', { timeout: 30_000 }, () => {
  it('connects by WebSocket with SigV4 as the onboarded identity and gets its publish acknowledged', async () => {
    const user = await h.onboardedUser('devsdk');
    const connection = sigv4Connection(user.access.identityId, user.credentials);
    try {
      await connection.connect();
      const accepted = await updateOwnShadow(connection, user.access.identityId, { app: 'online' });
      expect(accepted).toMatchObject({ state: { reported: { app: 'online' } } });
    } finally {
      await connection.disconnect().catch(() => undefined);
    }
  });

  it('is refused by WebSocket when the client id is not the identity id', async () => {
    const user = await h.onboardedUser('devsdk-id');
    const connection = sigv4Connection('someone-else', user.credentials);
    await expect(connection.connect()).rejects.toThrow();
    // The same credentials, TLS and endpoint with the identity id as client id do connect.
    const own = sigv4Connection(user.access.identityId, user.credentials);
    await expect(own.connect()).resolves.toBe(false);
    await own.disconnect();
  });

  it('connects through the custom authorizer with the user\'s password and publishes to its own shadow', async () => {
    const user = await h.onboardedUser('custom');
    const connection = customAuthConnection(user.username, h.password, user.access.identityId);
    try {
      await connection.connect();
      expect(await updateOwnShadow(connection, user.access.identityId, { via: 'password' })).toMatchObject({ state: { reported: { via: 'password' } } });
    } finally {
      await connection.disconnect().catch(() => undefined);
    }
  });

  it('connects through the custom authorizer with an ID token as the password', async () => {
    const user = await h.onboardedUser('custom-token');
    const connection = customAuthConnection(user.username, user.tokens.idToken, user.access.identityId);
    try {
      await connection.connect();
      expect(await updateOwnShadow(connection, user.access.identityId, { via: 'token' })).toMatchObject({ state: { reported: { via: 'token' } } });
    } finally {
      await connection.disconnect().catch(() => undefined);
    }
  });

  it('drops a custom-authorizer connection that publishes outside the user\'s policy', async () => {
    const user = await h.onboardedUser('custom-outside');
    const connection = customAuthConnection(user.username, h.password, user.access.identityId);
    try {
      await connection.connect();
      const interrupted = new Promise<void>((resolve) => {
        connection.on('interrupt', () => resolve());
        connection.on('disconnect', () => resolve());
      });
      void connection.publish('$aws/things/thermostat_1/shadow/update', JSON.stringify({ state: { desired: { on: true } } }), mqtt.QoS.AtLeastOnce).catch(() => undefined);
      await within(interrupted, 10_000, 'the broker dropping the connection');
    } finally {
      await connection.disconnect().catch(() => undefined);
    }
  });

  it('refuses a wrong password at connect', async () => {
    const user = await h.onboardedUser('custom-wrong');
    const before = h.sandbox.services.lambda.invocations['iot-authorizer'] ?? 0;
    const connection = customAuthConnection(user.username, 'Wrong-Passw0rd!', user.access.identityId);
    await expect(connection.connect()).rejects.toThrow();
    // Refused by the authorizer's answer, not by anything before it.
    expect(h.sandbox.services.lambda.invocations['iot-authorizer']).toBe(before + 1);
  });
});
