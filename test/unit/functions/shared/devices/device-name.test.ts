import { CreateThingCommand, IoTClient } from '@aws-sdk/client-iot';
import { DeleteThingShadowCommand, IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { deviceNameProblem, InvalidDeviceNameError } from '../../../../../functions/shared/devices/device-name';
import { deleteTwin } from '../../../../../functions/shared/devices/ownership';
import { registerDevice } from '../../../../../functions/shared/devices/register';
import { IDENTITY_ID } from '../../../fixtures';

describe('device names', () => {
  it.each([
    ['device_kitchen', undefined],
    ['d'.repeat(64), undefined],
    ['line:7_press-2', undefined],
    ['', 'empty'],
    ['d'.repeat(65), 'length'],
    ['d'.repeat(128), 'length'],
    ['device one', 'characters'],
    ['device.one', 'characters'],
    ['device_+', 'wildcard'],
    ['device/1', 'reserved'],
    [IDENTITY_ID, 'identityShaped'],
    [IDENTITY_ID.toUpperCase(), 'identityShaped'],
  ])('names the rule %s breaks (%s)', (name, problem) => {
    expect(deviceNameProblem(name)).toBe(problem);
  });
});

describe('registerDevice', () => {
  const iotMock = mockClient(IoTClient);
  beforeEach(() => iotMock.reset());

  it('refuses a name its twin could not hold before creating anything', async () => {
    const iot = new IoTClient({ region: 'us-east-1' });
    const attempt = registerDevice(iot, { thingName: 'd'.repeat(65), policyName: 'DevicePolicy' });
    await expect(attempt).rejects.toBeInstanceOf(InvalidDeviceNameError);
    await expect(attempt).rejects.toMatchObject({ name: 'InvalidThingName', message: expect.stringMatching(/at most 64/) });
    expect(iotMock.commandCalls(CreateThingCommand)).toHaveLength(0);
  });
});

describe('deleteTwin', () => {
  const dataMock = mockClient(IoTDataPlaneClient);
  beforeEach(() => dataMock.reset());

  it('has nothing to delete for a device named before the 64 limit (no twin can exist), so offboarding completes', async () => {
    dataMock.on(DeleteThingShadowCommand).rejects(Object.assign(new Error('Invalid shadow name'), { name: 'InvalidRequestException', $metadata: { httpStatusCode: 400 } }));
    const deps = { iot: { describeThing: async () => ({}), updateThing: async () => ({}), listThings: async () => ({}) }, iotData: new IoTDataPlaneClient({ region: 'us-east-1' }) };
    await expect(deleteTwin(deps, IDENTITY_ID, 'd'.repeat(100))).resolves.toBeUndefined();
    expect(dataMock.commandCalls(DeleteThingShadowCommand)).toHaveLength(0);
  });
});
