import { createHash, randomUUID } from 'node:crypto';
import { AwsServiceError, parseJsonBody, sendError, sendJson, startHttpServer } from '../../sandbox/wire/http';

/** A message as SQS's SendMessage received it (JSON 1.0 request members). */
export interface ReceivedMessage {
  readonly QueueUrl: string;
  readonly MessageBody: string;
  readonly MessageGroupId?: string;
  readonly MessageDeduplicationId?: string;
  readonly DelaySeconds?: number;
}

const CONTENT_TYPE = 'application/x-amz-json-1.0';

/**
 * A stand-in SQS endpoint for Step Functions tests: answers `AmazonSQS.SendMessage` in the AWS
 * JSON 1.0 protocol that @aws-sdk/client-sqs speaks (with the MD5 of the body it verifies), keeps
 * what it received, and lets a test await the next message. Not an SQS emulator: no queues, no
 * receive; `failNext` answers the next SendMessage (or the next `times`) with an SQS error instead.
 */
export async function startSqsQueueDouble() {
  const received: ReceivedMessage[] = [];
  // Awaiting nextMessage calls, oldest first; each takes the next message when it comes.
  const waiting: Array<() => void> = [];
  let failure: { readonly error: AwsServiceError; left: number } | undefined;
  let consumed = 0;
  const server = await startHttpServer((req, body, res) => {
    try {
      if (req.headers['x-amz-target'] !== 'AmazonSQS.SendMessage') throw new AwsServiceError(400, 'UnsupportedOperation', 'Only SendMessage');
      if (failure) {
        const { error } = failure;
        if (--failure.left <= 0) failure = undefined;
        throw error;
      }
      const message = parseJsonBody(body) as unknown as ReceivedMessage;
      received.push(message);
      waiting.shift()?.();
      const md5 = createHash('md5').update(message.MessageBody, 'utf8').digest('hex');
      sendJson(res, 200, { MessageId: randomUUID(), MD5OfMessageBody: md5 }, CONTENT_TYPE);
    } catch (error) {
      sendError(res, error, 'json', CONTENT_TYPE);
    }
  });
  return {
    url: server.url,
    queueUrl: `${server.url}/000000000000/admission`,
    received,
    /**
     * Resolves with the next message not yet awaited, in the order SendMessage received them.
     * Aborting `signal` withdraws a call still waiting (it rejects), so the message goes to the next.
     */
    nextMessage(signal?: AbortSignal): Promise<ReceivedMessage> {
      const take = () => received[consumed++] as ReceivedMessage;
      if (consumed < received.length) return Promise.resolve(take());
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          waiting.splice(waiting.indexOf(waiter), 1);
          reject(signal?.reason);
        };
        const waiter = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(take());
        };
        if (signal?.aborted) return reject(signal.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.push(waiter);
      });
    },
    failNext(type: string, message: string, times = 1): void {
      failure = { error: new AwsServiceError(400, type, message), left: times };
    },
    close: () => server.close(),
  };
}
