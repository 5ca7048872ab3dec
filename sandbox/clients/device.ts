import type { IoTClient } from '@aws-sdk/client-iot';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

import { registerDevice as register, type RegisteredDevice } from '../../functions/shared/devices/register';

/** What a registered device holds: its thing name, certificate, private key (and its label's claim code). */
export type DeviceCredentials = RegisteredDevice;

/** Registers a device the way an operator does on AWS, through the real SDK (the admin CLI's core). */
export function registerDevice(iot: IoTClient, input: { thingName: string; policyName: string }): Promise<DeviceCredentials> {
  return register(iot, input);
}

/**
 * Connects a device with mqtt.js over mutual TLS to the X.509 endpoint (`mqtts://`, no ALPN: AWS's
 * port 8883), with its thing name as client id unless told otherwise.
 */
export function connectDevice(
  url: string,
  caPem: string,
  device: Pick<DeviceCredentials, 'thingName' | 'certificatePem' | 'privateKey'>,
  options: IClientOptions = {},
): Promise<MqttClient> {
  return connectAsync(url, {
    clientId: device.thingName,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    ca: caPem,
    cert: device.certificatePem,
    key: device.privateKey,
    ...options,
  });
}

/** A simulated device (the demo's lamp): firmware behaviour as docs/client-flow.md describes it for firmware authors. */
export interface SimulatedDevice {
  /** The owner the device currently serves ('' when unclaimed). */
  readonly owner: () => string;
  /** Resolves once the device serves `owner` (subscribed to that twin, `connected: true` reported). */
  servesOwner(owner: string): Promise<void>;
  /** The live MQTT connection (tests drop it to fire the last will). */
  readonly connection: () => MqttClient;
  close(): Promise<void>;
}

const classicTopic = (thingName: string, op: string) => `$aws/things/${thingName}/shadow/${op}`;
const twinOf = (owner: string, thingName: string, op: string) => `$aws/things/${owner}/shadow/name/${thingName}/${op}`;
const json = (value: unknown) => JSON.stringify(value);

/**
 * Runs the device protocol (design section 8) over a mutual-TLS connection:
 *  1. read the owner from the classic shadow (`desired.owner`, '' = unclaimed);
 *  2. when owned, connect with a last will that reports `connected: false` on the twin, report
 *     `connected: true` there, and apply every twin delta by reporting it;
 *  3. on a classic-shadow delta of `owner` (claim, release), report the new owner and reconnect
 *     with the new twin as will topic.
 */
export async function startSimulatedDevice(
  connect: (options: IClientOptions) => Promise<MqttClient>,
  thingName: string,
  /** Told what the device does, one line each (`npm run device` prints them). */
  onEvent: (line: string) => void = () => undefined,
): Promise<SimulatedDevice> {
  let owner = '';
  let client: MqttClient;
  let closing = false;
  /** True once a session for the current owner is subscribed to its twin; false while switching. */
  let ready = false;
  const waiters: Array<{ owner: string; resolve: () => void }> = [];

  async function session(): Promise<void> {
    const will = owner ? { will: { topic: twinOf(owner, thingName, 'update'), payload: Buffer.from(json({ state: { reported: { connected: false } } })), qos: 1 as const, retain: false } } : {};
    client = await connect({ clean: true, ...will });
    client.on('message', (topic, payload) => void onMessage(topic, JSON.parse(payload.toString('utf8')) as { state?: Record<string, unknown> }));
    await client.subscribeAsync([classicTopic(thingName, 'update/delta'), classicTopic(thingName, 'get/accepted')], { qos: 1 });
    if (owner) {
      await client.subscribeAsync([twinOf(owner, thingName, 'update/delta'), twinOf(owner, thingName, 'get/accepted')], { qos: 1 });
      await client.publishAsync(twinOf(owner, thingName, 'update'), json({ state: { reported: { connected: true } } }), { qos: 1 });
      // Commands sent while the device was offline (or before it served this owner) are a delta
      // no one delivered: read the twin once and apply what is still wanted.
      await client.publishAsync(twinOf(owner, thingName, 'get'), '{}', { qos: 1 });
    }
    await client.publishAsync(classicTopic(thingName, 'update'), json({ state: { reported: { owner } } }), { qos: 1 });
    ready = true;
    onEvent(owner ? `serving owner ${owner}: connected: true reported on its twin` : 'unclaimed: waiting for a claim');
    for (const w of waiters.splice(0)) (w.owner === owner ? w.resolve : () => waiters.push(w))();
  }

  async function onMessage(topic: string, message: { state?: Record<string, unknown> }): Promise<void> {
    const state = message.state ?? {};
    const announced = topic.endsWith('/get/accepted') ? (state.desired as { owner?: unknown } | undefined)?.owner : state.owner;
    if (topic.startsWith(classicTopic(thingName, '')) && typeof announced === 'string' && announced !== owner) {
      owner = announced;
      // Not ready until the new session has subscribed to the new twin: a command sent before
      // that would publish its delta to nobody.
      ready = false;
      if (closing) return;
      await client.endAsync();
      await session();
      return;
    }
    // A twin's delta: from update/delta as it happens, or from the get answer after (re)connecting.
    const delta = topic === twinOf(owner, thingName, 'get/accepted') ? (message as { state?: { delta?: Record<string, unknown> } }).state?.delta : state;
    const isTwin = topic === twinOf(owner, thingName, 'update/delta') || topic === twinOf(owner, thingName, 'get/accepted');
    if (owner && isTwin && delta && Object.keys(delta).length > 0) {
      await client.publishAsync(twinOf(owner, thingName, 'update'), json({ state: { reported: delta } }), { qos: 1 });
      onEvent(`applied ${json(delta)}`);
    }
  }

  await session();
  await client!.publishAsync(classicTopic(thingName, 'get'), '{}', { qos: 1 });
  return {
    owner: () => owner,
    servesOwner: (wanted) => (owner === wanted && ready && client.connected ? Promise.resolve() : new Promise((resolve) => waiters.push({ owner: wanted, resolve }))),
    connection: () => client,
    async close() {
      closing = true;
      await client.endAsync(true).catch(() => undefined);
    },
  };
}
