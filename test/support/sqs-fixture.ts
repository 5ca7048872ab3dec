import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SandboxClock } from '../../sandbox/app/clock';
import { onSandboxClock } from '../../sandbox/app/sdk-clock';
import { SANDBOX_BACKEND_CREDENTIALS, SANDBOX_REGION } from '../../sandbox/wire/account';
import { CredentialStore } from '../../sandbox/wire/credentials';
import { FaultInjector } from '../../sandbox/wire/faults';
import { startSqs, type SqsCallNotice } from '../../sandbox/services/sqs/service';

type Credentials = { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };

export type SqsFixture = Awaited<ReturnType<typeof sqsFixture>>;

export interface SqsFixtureOptions {
  /** Told of every call the server answers, from the first on (the server's onCall). */
  readonly onCall?: (call: SqsCallNotice) => void;
}

/**
 * The sandbox SQS for one test file, on its own sandbox clock (long polls wait on the clock's
 * timers, so `clock.advance()` ends them and visibility timeouts alike), its own CredentialStore
 * and FaultInjector, and an SDK v3 client signing with the clock's time, one attempt per call.
 */
export async function sqsFixture(options: SqsFixtureOptions = {}) {
  const clock = new SandboxClock();
  const store = new CredentialStore(clock.now);
  const faults = new FaultInjector();
  const server = await startSqs({ store, faults, now: clock.now, timers: clock.timers });
  if (options.onCall) server.onCall(options.onCall);
  const clients: SQSClient[] = [];
  const client = (credentials: Credentials = SANDBOX_BACKEND_CREDENTIALS) => {
    const sqs = onSandboxClock(new SQSClient({ region: SANDBOX_REGION, endpoint: server.url, credentials, maxAttempts: 1 }), clock.now);
    clients.push(sqs);
    return sqs;
  };
  const sqs = client();
  return {
    clock,
    store,
    faults,
    server,
    sqs,
    client,
    /** A new queue with a unique name (and the given attributes); its URL. */
    async newQueue(attributes?: Record<string, string>, prefix = 'q'): Promise<string> {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-${randomUUID().slice(0, 8)}`, ...(attributes ? { Attributes: attributes } : {}) }));
      if (QueueUrl === undefined) throw new Error('CreateQueue answered no QueueUrl');
      return QueueUrl;
    },
    /** Resolves when a ReceiveMessage on the queue at `queueUrl` is waiting for messages. */
    pollWaiting(queueUrl: string): Promise<void> {
      const name = queueUrl.split('/').pop();
      return new Promise((resolve) => {
        const stop = server.onPollWaiting((queueName) => {
          if (queueName !== name) return;
          stop();
          resolve();
        });
      });
    },
    async close() {
      for (const c of clients) c.destroy();
      await server.close();
    },
  };
}
