import { IoT, IoTClient, ListThingsCommand } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { deviceReleaseBatch, type DeviceReleaseWorkerDeps } from '../../../../../functions/gates/device-release-worker/core';
import { AdaptivePacer } from '../../../../../functions/shared/gates/adaptive-pacer';
import { MetricNames } from '../../../../../functions/shared/observability/metrics';
import { awsError, IDENTITY_ID, recordingCounter, recordingLog } from '../../../fixtures';

const iotMock = mockClient(IoTClient);
const sfnMock = mockClient(SFNClient);
const record = (n = 1) => ({ messageId: `m${n}`, body: JSON.stringify({ taskToken: `token-${n}`, identityId: IDENTITY_ID }) });

function deps() {
  let now = 0;
  const pacer = new AdaptivePacer({ ceilingPerSecond: 2, now: () => now, sleep: async (ms) => void (now += ms) });
  const metrics = recordingCounter();
  const d: DeviceReleaseWorkerDeps = {
    iot: new IoT({ region: 'us-east-1' }),
    iotData: new IoTDataPlaneClient({ region: 'us-east-1' }),
    sfn: new SFNClient({ region: 'us-east-1' }),
    pacer,
    remainingMs: () => 60_000 - now,
    reserveMs: 11_000,
    log: recordingLog(),
    metrics,
  };
  return { d, pacer, metrics };
}

describe("the device-release gate's consumer", () => {
  beforeEach(() => {
    iotMock.reset();
    sfnMock.reset();
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    sfnMock.on(SendTaskFailureCommand).resolves({});
    iotMock.on(ListThingsCommand).resolves({ things: [] });
  });

  it("lists the leaving identity's devices and its half-done releases (two ListThings), then answers with what it released", async () => {
    const { d } = deps();
    expect(await deviceReleaseBatch([record()], d)).toEqual({ batchItemFailures: [] });
    expect(iotMock.commandCalls(ListThingsCommand).map((c) => c.args[0].input.attributeName).sort()).toEqual(['owner', 'releasedFrom']);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input).toEqual({ taskToken: 'token-1', output: '{"released":[]}' });
  });

  it('slows down on ListThings throttling and tries the same message again, counted, no execution retrying', async () => {
    iotMock.on(ListThingsCommand).rejectsOnce(awsError('ThrottlingException', 429)).resolves({ things: [] });
    const { d, pacer, metrics } = deps();
    expect(await deviceReleaseBatch([record()], d)).toEqual({ batchItemFailures: [] });
    expect(pacer.ratePerSecond).toBeLessThan(2);
    expect(metrics.counts.get(MetricNames.GateThrottled)).toBe(1);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });

  it('fails the execution at ReleaseDevices with the step\'s name when IoT refuses for good', async () => {
    iotMock.on(ListThingsCommand).rejects(awsError('UnauthorizedException', 401));
    const { d } = deps();
    await deviceReleaseBatch([record()], d);
    expect(sfnMock.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toMatchObject({ taskToken: 'token-1', error: 'UpstreamRejected' });
  });

  it('leaves a message whose release keeps failing transiently for redelivery', async () => {
    iotMock.on(ListThingsCommand).rejects(awsError('ServiceUnavailableException', 503));
    const { d } = deps();
    expect(await deviceReleaseBatch([record()], d)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(sfnMock.calls()).toHaveLength(0);
  });
});
