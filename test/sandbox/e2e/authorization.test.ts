import { DetachPolicyCommand } from '@aws-sdk/client-iot';
import { describe, expect, it } from 'vitest';
import { fileFixture } from '../../support/file-fixture';
import { closed, startHarness, within } from './harness';

const h = fileFixture(() => startHarness());

describe('IoT authorization of Cognito identities in the sandbox', () => {
  it('refuses an identity without the attached policy even though its role allows the connect', async () => {
    const user = await h.onboardedUser('detached');
    await h.iot.send(new DetachPolicyCommand({ policyName: h.sandbox.policyName, target: user.access.identityId }));
    await expect(h.connect(user.access, user.credentials)).rejects.toThrow(/Not authorized/);
  });

  it('refuses a client id other than the identity id', async () => {
    const user = await h.onboardedUser('clientid');
    await expect(h.connect(user.access, user.credentials, 'my-phone')).rejects.toThrow(/Not authorized/);
  });

  it('does not let user A subscribe to user B\'s shadow', async () => {
    const a = await h.onboardedUser('alice');
    const b = await h.onboardedUser('bob');
    const mqtt = await h.connect(a.access, a.credentials);
    // mqtt.js rejects a SUBACK that refuses any filter; the packet still carries each grant.
    const refusal = await mqtt
      .subscribeAsync([`$aws/things/${a.access.identityId}/shadow/update/accepted`, `$aws/things/${b.access.identityId}/shadow/update/accepted`], { qos: 1 })
      .then(() => undefined, (error: { packet?: { granted?: number[] } }) => error);
    expect(refusal?.packet?.granted).toEqual([1, 128]);
  });

  it('disconnects user A when it publishes to user B\'s shadow', async () => {
    const a = await h.onboardedUser('alice');
    const b = await h.onboardedUser('bob');
    const mqtt = await h.connect(a.access, a.credentials);
    const gone = closed(mqtt);
    void mqtt.publishAsync(`$aws/things/${b.access.identityId}/shadow/update`, JSON.stringify({ state: { desired: { x: 1 } } }), { qos: 1 }).catch(() => undefined);
    await within(gone, 5_000, 'disconnect after an unauthorized publish');
  });

  it('answers 404 DeviceNotFound to a command for a thing that is not a device of the caller', async () => {
    const user = await h.onboardedUser('outside');
    await expect(h.app.sendCommand(user.tokens.idToken, 'thermostat_1', { target: 21 })).rejects.toMatchObject({ status: 404, code: 'DeviceNotFound' });
  });

  it('answers 400 to a command aimed at another user\'s identity thing: no device is named like an identity', async () => {
    const a = await h.onboardedUser('alice');
    const b = await h.onboardedUser('bob');
    await expect(h.app.sendCommand(a.tokens.idToken, b.access.identityId, { x: 1 })).rejects.toMatchObject({ status: 400, code: 'InvalidThingName' });
  });

  it('answers 400 to a wildcard thing name before touching IoT', async () => {
    const user = await h.onboardedUser('wild');
    await expect(h.app.sendCommand(user.tokens.idToken, 'device_+', { power: 'ON' })).rejects.toMatchObject({ status: 400, code: 'InvalidThingName' });
  });
});
