import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { MqttClient } from 'mqtt';
import { twinTopic } from '../../functions/shared/iot-policy/user-policy';
import { closed, nextMessage, type AppClient, type IotAccess } from '../clients/app-client';
import type { Sandbox } from '..';

export interface DemoUser {
  readonly username: string;
  readonly idToken: string;
  readonly access: IotAccess;
  readonly credentials: AwsCredentialIdentity;
  readonly mqtt: MqttClient;
}

type Step = (text: string) => void;

/** Rejects after `ms` unless `promise` settles first (a denied publish never settles in mqtt.js). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The device part of `npm start`: an operator registers device_demo, the simulated device
 * connects with its certificate over mutual TLS, alice claims and commands it and sees its
 * reported state on her twin. Returns the running device for the caller to stop.
 */
export async function demoOwnership(sb: Sandbox, app: AppClient, alice: DemoUser, step: Step) {
  const registered = await sb.registerDevice('device_demo');
  step(`8. Operator registered "device_demo": thing, certificate ${registered.certificateId.slice(0, 8)}…, device policy, claim code ${registered.claimCode} (shown once)`);
  const device = await sb.startSimulatedDevice(registered);
  step('9. device_demo connected with its certificate over mutual TLS; unclaimed, it has no twin anywhere');

  await app.claimDevice(alice.idToken, 'device_demo', registered.claimCode);
  await within(device.servesOwner(alice.access.identityId), 10_000, 'device_demo serving alice');
  step(`10. alice claimed it (POST /devices/device_demo/claim); the device read its new owner and subscribed to alice's twin`);

  const twin = (op: string) => twinTopic(alice.access.identityId, 'device_demo', op);
  await alice.mqtt.subscribeAsync(twin('update/accepted'), { qos: 1 });
  const reported = nextMessage(alice.mqtt, twin('update/accepted'), (m) => (m.state as { reported?: { brightness?: unknown } }).reported?.brightness === 40);
  const command = await app.sendCommand(alice.idToken, 'device_demo', { power: 'OFF', brightness: 40 });
  step(`11. POST /devices/device_demo/commands {"power":"OFF","brightness":40} -> 202 on ${command.topic}`);
  const state = await within(reported, 10_000, "the device's report");
  step(`12. alice saw device_demo's reported state on her twin: ${JSON.stringify((state.state as { reported: unknown }).reported)}`);
  return { device, claimCode: registered.claimCode };
}

/** Bob, signed in too, tries every door to alice's device; each must refuse him. */
export async function demoRefusals(app: AppClient, alice: DemoUser, bob: DemoUser, claimCode: string, step: Step) {
  const refusals: string[] = [];
  const refused = async (what: string, attempt: Promise<unknown>) => {
    const outcome = await attempt.then(() => 'ACCEPTED', (error: Error & { status?: number; code?: string }) => `${error.status ?? ''} ${error.code ?? error.message}`.trim());
    if (outcome === 'ACCEPTED') throw new Error(`bob was let through: ${what}`);
    refusals.push(`${what}: ${outcome}`);
  };
  await refused('claim with the code', app.claimDevice(bob.idToken, 'device_demo', claimCode));
  await refused('command', app.sendCommand(bob.idToken, 'device_demo', { power: 'ON' }));
  await refused('release', app.releaseDevice(bob.idToken, 'device_demo'));

  const twin = (op: string) => twinTopic(alice.access.identityId, 'device_demo', op);
  for (const filter of [twin('update/delta'), '$aws/things/device_demo/shadow/update/delta']) {
    const granted = await bob.mqtt.subscribeAsync(filter, { qos: 1 }).then(
      (g) => g.map((x) => x.qos),
      (error: { packet?: { granted?: number[] } }) => error.packet?.granted ?? [],
    );
    if (!granted.includes(128)) throw new Error(`bob subscribed to ${filter}`);
    refusals.push(`subscribe ${filter}: SUBACK 0x80`);
  }
  for (const topic of [twin('update'), '$aws/things/device_demo/shadow/update']) {
    const client = await app.connectMqtt(bob.access, bob.credentials);
    const gone = closed(client);
    void client.publishAsync(topic, JSON.stringify({ state: { desired: { power: 'ON' } } }), { qos: 1 }).catch(() => undefined);
    await within(gone, 5_000, `bob publishing to ${topic}`);
    refusals.push(`publish ${topic}: disconnected`);
  }
  step(`13. bob is refused at every door:\n             ${refusals.join('\n             ')}`);
}
