import { randomUUID } from 'node:crypto';
import { CreatePolicyCommand, DetachThingPrincipalCommand, IoTClient, UpdateCertificateCommand, UpdateThingCommand } from '@aws-sdk/client-iot';
import { iot as deviceIot, mqtt as deviceMqtt } from 'aws-iot-device-sdk-v2';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { generate } from 'selfsigned';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { devicePolicyDocument } from '../../../../functions/shared/iot-policy/device-policy';
import { closed, nextMessage } from '../../../../sandbox/clients/app-client';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../../../sandbox/wire/account';
import { CredentialStore } from '../../../../sandbox/wire/credentials';
import { connectDevice, registerDevice, type DeviceCredentials } from '../../../../sandbox/clients/device';
import { FaultInjector } from '../../../../sandbox/wire/faults';
import type { AuthorizationDecision } from '../../../../sandbox/services/iot/authorization';
import { startIotCore, type IotCore } from '../../../../sandbox/services/iot/core';
import { createSandboxTlsMaterial, type SandboxTlsMaterial } from '../../../../sandbox/services/iot/tls';
import { reportToShadow, whileConnected } from '../../../support/device-sdk';

const REGION = 'us-east-1';
const DEVICE_POLICY = 'device-policy';
const OWNER = `${REGION}:11111111-2222-3333-4444-555555555555`;

let core: IotCore;
let tls: SandboxTlsMaterial;
let control: IoTClient;
const denials: AuthorizationDecision[] = [];
const open: MqttClient[] = [];

const newThing = () => `lamp-${randomUUID().slice(0, 8)}`;
const register = (thingName = newThing()) => registerDevice(control, { thingName, policyName: DEVICE_POLICY });

async function device(credentials: Pick<DeviceCredentials, 'thingName' | 'certificatePem' | 'privateKey'>, options: IClientOptions = {}): Promise<MqttClient> {
  const client = await connectDevice(core.mqttsUrl ?? '', tls.caPem, credentials, options);
  open.push(client);
  return client;
}

/** The SUBACK return codes of one subscription (mqtt.js turns 0x80 into an error). */
function suback(client: MqttClient, topic: string): Promise<number[]> {
  const granted = new Promise<number[]>((resolve) =>
    client.once('packetreceive', function onPacket(packet) {
      if (packet.cmd === 'suback') resolve(packet.granted as number[]);
      else client.once('packetreceive', onPacket);
    }),
  );
  void client.subscribeAsync(topic, { qos: 1 }).catch(() => undefined);
  return granted;
}

beforeAll(async () => {
  tls = await createSandboxTlsMaterial();
  core = await startIotCore({ store: new CredentialStore(), faults: new FaultInjector(), tls: { ...tls, deviceMqttsPort: 0 }, onDenied: ({ decision }) => denials.push(decision) });
  control = new IoTClient({ region: REGION, endpoint: core.controlPlaneUrl, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
  const policyDocument = JSON.stringify(devicePolicyDocument({ region: REGION, account: '000000000000' }));
  await control.send(new CreatePolicyCommand({ policyName: DEVICE_POLICY, policyDocument }));
}, 30_000);

afterEach(async () => {
  for (const client of open.splice(0)) await client.endAsync(true).catch(() => undefined);
});

afterAll(async () => {
  control?.destroy();
  await core?.close();
});

describe('devices over mutual TLS (mqtt.js with a client certificate)', { timeout: 20_000 }, () => {
  it('connects a registered device with its own certificate and thing name, and serves its classic shadow', async () => {
    const registered = await register();
    const client = await device(registered);
    const shadow = `$aws/things/${registered.thingName}/shadow`;
    await client.subscribeAsync(`${shadow}/update/accepted`, { qos: 1 });
    const accepted = nextMessage(client, `${shadow}/update/accepted`);
    await client.publishAsync(`${shadow}/update`, JSON.stringify({ state: { reported: { on: true } } }), { qos: 1 });
    expect(await accepted).toMatchObject({ state: { reported: { on: true } }, version: 1 });
  });

  it("refuses a certificate used with another thing's client id (policy: thing name does not resolve)", async () => {
    const mine = await register();
    const other = await register();
    const error = await device({ ...mine, thingName: other.thingName }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 5 });
    expect(denials.at(-1)).toMatchObject({ reason: 'iot-policy-denies' });
  });

  it('refuses a certificate that is no longer attached to its thing', async () => {
    const registered = await register();
    await control.send(new DetachThingPrincipalCommand({ thingName: registered.thingName, principal: registered.certificateArn }));
    expect(await device(registered).catch((e: unknown) => e)).toMatchObject({ code: 5 });
  });

  it('gives a client id that looks like a device, without a certificate, nothing', async () => {
    const error = await connectAsync(core.mqttsUrl ?? '', { clientId: 'device_x', ca: tls.caPem, protocolVersion: 4, reconnectPeriod: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 5 });
    expect(denials.at(-1)).toMatchObject({ reason: 'certificate-refused', detail: expect.stringContaining('no client certificate') });
  });

  it('the second TLS listener (--device-port) verifies client certificates like the first', async () => {
    const registered = await register();
    const client = await connectDevice(core.deviceMqttsUrl ?? '', tls.caPem, registered);
    open.push(client);
    expect(client.connected).toBe(true);
    const error = await connectAsync(core.deviceMqttsUrl ?? '', { clientId: registered.thingName, ca: tls.caPem, protocolVersion: 4, reconnectPeriod: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 5 });
    expect(denials.at(-1)).toMatchObject({ reason: 'certificate-refused', detail: expect.stringContaining('no client certificate') });
  });

  it('refuses a certificate signed by the sandbox CA that was never registered', async () => {
    const forged = await generate([{ name: 'commonName', value: 'AWS IoT Certificate' }], { keyType: 'rsa', algorithm: 'sha256', ca: { key: tls.caKey, cert: tls.caPem } });
    const registered = await register();
    const error = await device({ thingName: registered.thingName, certificatePem: forged.cert, privateKey: forged.private }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 5 });
    expect(denials.at(-1)).toMatchObject({ reason: 'certificate-refused', detail: expect.stringContaining('not registered') });
  });

  it('refuses a certificate from another CA', async () => {
    const foreign = await generate([{ name: 'commonName', value: 'elsewhere' }], { keyType: 'rsa', algorithm: 'sha256' });
    const error = await device({ thingName: newThing(), certificatePem: foreign.cert, privateKey: foreign.private }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 5 });
    expect(denials.at(-1)).toMatchObject({ reason: 'certificate-refused', detail: expect.stringContaining('not signed by the sandbox CA') });
  });

  it('refuses an INACTIVE certificate at connect', async () => {
    const registered = await register();
    await control.send(new UpdateCertificateCommand({ certificateId: registered.certificateId, newStatus: 'INACTIVE' }));
    expect(await device(registered).catch((e: unknown) => e)).toMatchObject({ code: 5 });
    expect(denials.at(-1)).toMatchObject({ reason: 'certificate-refused', detail: expect.stringContaining('INACTIVE') });
  });

  it('drops the live session of a certificate that is revoked, and refuses it afterwards', async () => {
    const registered = await register();
    const client = await device(registered);
    const gone = closed(client);
    await control.send(new UpdateCertificateCommand({ certificateId: registered.certificateId, newStatus: 'REVOKED' }));
    await gone;
    expect(await device(registered).catch((e: unknown) => e)).toMatchObject({ code: 5 });
    expect(denials.at(-1)).toMatchObject({ reason: 'certificate-refused', detail: expect.stringContaining('REVOKED') });
  });

  it("denies an unclaimed device its twin, and grants it once the thing's owner attribute is set", async () => {
    const registered = await register();
    const client = await device(registered);
    const twin = `$aws/things/${OWNER}/shadow/name/${registered.thingName}/update/delta`;
    expect(await suback(client, twin)).toEqual([128]);
    await control.send(new UpdateThingCommand({ thingName: registered.thingName, attributePayload: { attributes: { owner: OWNER }, merge: true } }));
    expect(await suback(client, twin)).toEqual([1]);
    // Another user's namespace stays closed.
    expect(await suback(client, `$aws/things/${REGION}:other/shadow/name/${registered.thingName}/update/delta`)).toEqual([128]);
  });
});

describe('devices over mutual TLS (aws-iot-device-sdk-v2 new_mtls_builder)', { timeout: 20_000 }, () => {
  const connection = (registered: DeviceCredentials, clientId = registered.thingName) => {
    const config = deviceIot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder(registered.certificatePem, registered.privateKey)
      .with_endpoint('localhost')
      .with_port(core.tlsPort ?? 0)
      .with_certificate_authority(tls.caPem)
      .with_client_id(clientId)
      .with_clean_session(true)
      .build();
    return new deviceMqtt.MqttClient().new_connection(config);
  };

  it('connects a registered device and receives its shadow update/accepted', async () => {
    const registered = await register();
    const conn = connection(registered);
    await whileConnected(conn, async () => {
      expect(await reportToShadow(conn, registered.thingName, { sdk: 'v2' })).toMatchObject({ state: { reported: { sdk: 'v2' } } });
    });
  });

  it('is refused with a revoked certificate', async () => {
    const registered = await register();
    await control.send(new UpdateCertificateCommand({ certificateId: registered.certificateId, newStatus: 'REVOKED' }));
    const conn = connection(registered);
    await expect(conn.connect()).rejects.toBeDefined();
    expect(denials.at(-1)).toMatchObject({ reason: 'certificate-refused' });
  });
});
