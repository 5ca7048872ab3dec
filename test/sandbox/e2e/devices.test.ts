import { randomUUID } from 'node:crypto';
import { iot as deviceIot, mqtt as deviceMqtt } from 'aws-iot-device-sdk-v2';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twinTopic } from '../../../functions/shared/iot-policy/user-policy';
import { nextMessage } from '../../../sandbox/clients/app-client';
import { closed, startHarness, within, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => h?.close());

const newDevice = async () => h.sandbox.registerDevice(`device_${randomUUID().slice(0, 8)}`);

/** The SUBACK return codes of one subscription (mqtt.js turns 0x80 into an error). */
async function suback(client: MqttClient, topic: string): Promise<number[] | undefined> {
  return client.subscribeAsync(topic, { qos: 1 }).then(
    (granted) => granted.map((g) => g.qos),
    (error: { packet?: { granted?: number[] } }) => error.packet?.granted,
  );
}

/** Publishes and expects the broker to drop the client (IoT's answer to a denied publish). */
async function publishDropped(client: MqttClient, topic: string) {
  const gone = closed(client);
  void client.publishAsync(topic, JSON.stringify({ state: { desired: { power: 'ON' } } }), { qos: 1 }).catch(() => undefined);
  await within(gone, 5_000, `disconnect after publishing to ${topic}`);
}

describe('devices belong to users (end to end)', { timeout: 60_000 }, () => {
  it('gives an unclaimed device no twin access, in any namespace', async () => {
    const alice = await h.onboardedUser('alice');
    const registered = await newDevice();
    const device = h.track(await h.sandbox.connectDevice(registered));
    expect(await suback(device, twinTopic(alice.access.identityId, registered.thingName, 'update/delta'))).toEqual([128]);
  });

  it("lets alice claim and command her device (device SDK v2, mutual TLS) and see its reported state on the twin", async () => {
    const alice = await h.onboardedUser('alice');
    const registered = await newDevice();
    await h.app.claimDevice(alice.tokens.idToken, registered.thingName, registered.claimCode);
    expect(await h.app.listDevices(alice.tokens.idToken)).toEqual({ devices: [{ thingName: registered.thingName }] });

    const config = deviceIot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder(registered.certificatePem, registered.privateKey)
      .with_endpoint('localhost')
      .with_port(h.sandbox.endpoints.tlsPort)
      .with_certificate_authority(h.sandbox.caPem)
      .with_client_id(registered.thingName)
      .with_clean_session(true)
      .build();
    const conn = new deviceMqtt.MqttClient().new_connection(config);
    await conn.connect();
    try {
      const twin = (op: string) => twinTopic(alice.access.identityId, registered.thingName, op);
      const delta = new Promise<Record<string, unknown>>((resolve) => {
        void conn.subscribe(twin('update/delta'), deviceMqtt.QoS.AtLeastOnce, (_t, payload) => resolve(JSON.parse(Buffer.from(payload).toString('utf8')) as Record<string, unknown>));
      });
      const app = await h.connect(alice.access, alice.credentials);
      await app.subscribeAsync(twin('update/accepted'), { qos: 1 });
      const reported = nextMessage(app, twin('update/accepted'), (m) => (m.state as { reported?: unknown }).reported !== undefined);

      const command = await h.app.sendCommand(alice.tokens.idToken, registered.thingName, { power: 'ON' });
      expect(command.topic).toBe(twin('update'));
      const received = await delta;
      expect(received).toMatchObject({ state: { power: 'ON' }, clientToken: command.commandId });
      await conn.publish(twin('update'), JSON.stringify({ state: { reported: { power: 'ON' } } }), deviceMqtt.QoS.AtLeastOnce);
      expect(await reported).toMatchObject({ state: { reported: { power: 'ON' } } });
    } finally {
      await conn.disconnect().catch(() => undefined);
    }
  });

  it("refuses bob at every API door without revealing alice", async () => {
    const alice = await h.onboardedUser('alice');
    const bob = await h.onboardedUser('bob');
    const registered = await newDevice();
    await h.app.claimDevice(alice.tokens.idToken, registered.thingName, registered.claimCode);

    await expect(h.app.sendCommand(bob.tokens.idToken, registered.thingName, { power: 'OFF' })).rejects.toMatchObject({ status: 404, code: 'DeviceNotFound' });
    await expect(h.app.releaseDevice(bob.tokens.idToken, registered.thingName)).rejects.toMatchObject({ status: 404, code: 'DeviceNotFound' });
    const wrongCode = (await newDevice()).claimCode;
    await expect(h.app.claimDevice(bob.tokens.idToken, registered.thingName, wrongCode)).rejects.toMatchObject({ status: 403, code: 'InvalidClaimCode' });
    const taken = await h.app.claimDevice(bob.tokens.idToken, registered.thingName, registered.claimCode).catch((e: Error) => e);
    expect(taken).toMatchObject({ status: 409, code: 'AlreadyClaimed' });
    expect(JSON.stringify(taken)).not.toContain(alice.access.identityId);
    expect(String((taken as Error).message)).not.toContain(alice.username);
    await expect(h.app.claimDevice(bob.tokens.idToken, 'device_nosuch', registered.claimCode)).rejects.toMatchObject({ status: 404, code: 'DeviceNotFound' });
    expect(await h.app.listDevices(bob.tokens.idToken)).toEqual({ devices: [] });
  });

  it("refuses bob every MQTT subscribe and publish on alice's twin and on the device's own shadow", async () => {
    const alice = await h.onboardedUser('alice');
    const bob = await h.onboardedUser('bob');
    const registered = await newDevice();
    await h.app.claimDevice(alice.tokens.idToken, registered.thingName, registered.claimCode);
    const twin = (op: string) => twinTopic(alice.access.identityId, registered.thingName, op);
    const classic = (op: string) => `$aws/things/${registered.thingName}/shadow/${op}`;

    const mqtt = await h.connect(bob.access, bob.credentials);
    for (const filter of [twin('update/delta'), twin('update/accepted'), twin('#'), classic('update/delta'), classic('#'), '$aws/things/+/shadow/#']) {
      expect(await suback(mqtt, filter), filter).toEqual([128]);
    }
    for (const topic of [twin('update'), twin('delete'), classic('update'), classic('delete')]) {
      await publishDropped(await h.connect(bob.access, bob.credentials), topic);
    }
  });

  it('lets exactly one of two users win each of 20 racing claims', async () => {
    const alice = await h.onboardedUser('alice');
    const bob = await h.onboardedUser('bob');
    const devices = await Promise.all(Array.from({ length: 20 }, () => newDevice()));
    const outcomes = await Promise.all(
      devices.map((d) =>
        Promise.allSettled([alice, bob].map((u) => h.app.claimDevice(u.tokens.idToken, d.thingName, d.claimCode))),
      ),
    );
    for (const [a, b] of outcomes) {
      expect([a?.status, b?.status].filter((s) => s === 'fulfilled')).toHaveLength(1);
      const loser = (a?.status === 'rejected' ? a : b) as PromiseRejectedResult;
      expect(loser.reason).toMatchObject({ status: 409 });
    }
    const owned = (await h.app.listDevices(alice.tokens.idToken)).devices.length + (await h.app.listDevices(bob.tokens.idToken)).devices.length;
    expect(owned).toBe(20);
  });

  it("moves a released device to bob: his claim works, the device follows, alice's twin hears nothing more", async () => {
    const alice = await h.onboardedUser('alice');
    const bob = await h.onboardedUser('bob');
    const registered = await newDevice();
    const device = await h.sandbox.startSimulatedDevice(registered);
    try {
      await h.app.claimDevice(alice.tokens.idToken, registered.thingName, registered.claimCode);
      await within(device.servesOwner(alice.access.identityId), 10_000, 'device serving alice');
      const aliceApp = await h.connect(alice.access, alice.credentials);
      const heardByAlice: string[] = [];
      await aliceApp.subscribeAsync(twinTopic(alice.access.identityId, registered.thingName, '#'), { qos: 1 });
      aliceApp.on('message', (topic) => heardByAlice.push(topic));

      await h.app.releaseDevice(alice.tokens.idToken, registered.thingName);
      await expect(h.app.sendCommand(alice.tokens.idToken, registered.thingName, { power: 'ON' })).rejects.toMatchObject({ status: 404 });
      await within(device.servesOwner(''), 10_000, 'device noticing the release');
      heardByAlice.length = 0;

      await h.app.claimDevice(bob.tokens.idToken, registered.thingName, registered.claimCode);
      await within(device.servesOwner(bob.access.identityId), 10_000, 'device serving bob');
      const bobApp = await h.connect(bob.access, bob.credentials);
      const bobTwin = (op: string) => twinTopic(bob.access.identityId, registered.thingName, op);
      await bobApp.subscribeAsync(bobTwin('update/accepted'), { qos: 1 });
      const reported = nextMessage(bobApp, bobTwin('update/accepted'), (m) => (m.state as { reported?: { power?: unknown } }).reported?.power === 'OFF');
      await h.app.sendCommand(bob.tokens.idToken, registered.thingName, { power: 'OFF' });
      await within(reported, 10_000, "the device's report on bob's twin");
      expect(heardByAlice).toEqual([]);
      // IoT itself now refuses the device on alice's twin (its owner attribute names bob).
      await publishDropped(device.connection(), twinTopic(alice.access.identityId, registered.thingName, 'update'));
    } finally {
      await device.close();
    }
  });

  it('applies a command sent while the device was offline once it connects (it reads its twin, not only deltas as they come)', async () => {
    const alice = await h.onboardedUser('alice');
    const registered = await newDevice();
    await h.app.claimDevice(alice.tokens.idToken, registered.thingName, registered.claimCode);
    await h.app.sendCommand(alice.tokens.idToken, registered.thingName, { power: 'ON', level: 3 });
    const app = await h.connect(alice.access, alice.credentials);
    const twin = (op: string) => twinTopic(alice.access.identityId, registered.thingName, op);
    await app.subscribeAsync(twin('update/accepted'), { qos: 1 });
    const applied = nextMessage(app, twin('update/accepted'), (m) => (m.state as { reported?: { level?: unknown } }).reported?.level === 3);
    const device = await h.sandbox.startSimulatedDevice(registered);
    try {
      await within(applied, 10_000, 'the missed command reported on the twin');
    } finally {
      await device.close();
    }
  });

  it('reports connected: false on the twin through the last will when the device drops', async () => {
    const alice = await h.onboardedUser('alice');
    const registered = await newDevice();
    await h.app.claimDevice(alice.tokens.idToken, registered.thingName, registered.claimCode);
    const device = await h.sandbox.startSimulatedDevice(registered);
    try {
      await within(device.servesOwner(alice.access.identityId), 10_000, 'device serving alice');
      const app = await h.connect(alice.access, alice.credentials);
      const twin = (op: string) => twinTopic(alice.access.identityId, registered.thingName, op);
      await app.subscribeAsync(twin('update/accepted'), { qos: 1 });
      const offline = nextMessage(app, twin('update/accepted'), (m) => (m.state as { reported?: { connected?: unknown } }).reported?.connected === false);
      device.connection().stream.destroy();
      await within(offline, 10_000, 'the last will on the twin');
    } finally {
      await device.close();
    }
  });

  it('gives a device_-prefixed client id without a certificate nothing', async () => {
    const error = await connectAsync(h.sandbox.endpoints.mqttTls, { clientId: 'device_demo', ca: h.sandbox.caPem, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const tcp = await connectAsync(h.sandbox.endpoints.mqttTcp, { clientId: 'device_demo', protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5_000 }).catch((e: unknown) => e);
    expect(tcp).toBeInstanceOf(Error);
  });
});
