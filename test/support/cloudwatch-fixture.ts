import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { onSandboxClock } from '../../sandbox/app/sdk-clock';
import { startCloudWatch } from '../../sandbox/services/cloudwatch/service';
import { SANDBOX_BACKEND_CREDENTIALS, SANDBOX_REGION } from '../../sandbox/wire/account';
import { sqsFixture } from './sqs-fixture';

/**
 * The sandbox SQS (sqs-fixture.ts) and the sandbox CloudWatch serving its `AWS/SQS` metrics, on
 * one sandbox clock and credential store, with an SDK v3 CloudWatch client signing with the
 * clock's time, one attempt per call.
 */
export async function cloudWatchFixture() {
  const sqs = await sqsFixture();
  const server = await startCloudWatch({ store: sqs.store, faults: sqs.faults, now: sqs.clock.now, sources: [sqs.server.metrics] });
  const cloudwatch = onSandboxClock(new CloudWatchClient({ region: SANDBOX_REGION, endpoint: server.url, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 }), sqs.clock.now);
  return {
    ...sqs,
    sqsServer: sqs.server,
    server,
    cloudwatch,
    async close() {
      cloudwatch.destroy();
      await server.close();
      await sqs.close();
    },
  };
}
